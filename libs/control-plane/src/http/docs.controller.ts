import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import { notFound } from '../problem/problem';
import { PublicRoute } from './access';
import { OPENAPI_DOCUMENT } from './tokens';

interface FileResponse {
  setHeader(name: string, value: string): void;
  end(body: Buffer | string): void;
}

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>ccx control-plane API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/docs/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

/** Swagger UI at /docs (from swagger-ui-dist, no CDN) and the document at /docs/openapi.json. */
@Controller('docs')
@PublicRoute()
export class DocsController {
  private readonly assetDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  private readonly cache = new Map<string, Buffer>();

  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: object) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('openapi.json')
  openapi(): object {
    return this.document;
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: FileResponse): void {
    if (file === 'init.js') {
      res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
      res.end(INIT);
      return;
    }
    const type = ASSETS[file];
    if (!type) throw notFound('documentation asset', file);
    let body = this.cache.get(file);
    if (!body) {
      body = readFileSync(join(this.assetDir, file));
      this.cache.set(file, body);
    }
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.end(body);
  }
}
