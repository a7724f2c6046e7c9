import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/persistence/src/schema/index.ts',
  out: './libs/persistence/migrations',
});
