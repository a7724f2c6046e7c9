// Media anchored on a MediaEngine in this process: the SBC's embedded mode (one box, no media
// worker process) and the B2BUA's own integration tests. Same engine the media worker runs.
import type { MediaEngine } from '@ccx/media-relay';
import type { MediaControl, MediaPlay } from './ports';

export class LocalMediaControl implements MediaControl {
  constructor(
    private readonly engine: MediaEngine,
    private readonly workerId = 'embedded',
  ) {}

  async offer(req: Parameters<MediaControl['offer']>[0]) {
    const out = await this.engine.offer(req.tenantId, req.callId, req.sdp, {
      bProfile: req.bProfile,
      ...(req.bCodecs ? { bCodecs: req.bCodecs } : {}),
      transcode: true,
      ...(req.answerA ? { answerA: true } : {}),
    });
    return {
      sdp: out.sdp,
      workerId: this.workerId,
      ...('aSdp' in out && out.aSdp ? { aSdp: out.aSdp } : {}),
    };
  }

  async answer(req: Parameters<MediaControl['answer']>[0]) {
    const out = this.engine.answer(req.tenantId, req.callId, req.sdp);
    return { sdp: out.sdp, transcoding: out.transcoding };
  }

  async delete(req: { tenantId: string; callId: string }): Promise<void> {
    await this.engine.delete(req.tenantId, req.callId);
  }

  async play(req: MediaPlay) {
    return this.engine.play(req.tenantId, req.callId, 'a', req.prompt, req.bargeIn);
  }

  async record(req: { tenantId: string; callId: string; action: 'start' | 'stop' }) {
    return this.engine.record(req.tenantId, req.callId, req.action);
  }
}
