// Per-SSRC state with a hard bound: when full, adding a source evicts the one used least
// recently (a scan of at most `limit` entries, only when a new source is added). Sources are
// added only after a packet from them authenticated, so a peer without the key adds nothing.
import { ReplayWindow } from './replay-window';

export interface SsrcState {
  readonly ssrc: number;
  /** Highest index seen or sent; for SRTP this holds ROC · 2^16 + s_l (RFC 3711 §3.3.1). */
  readonly window: ReplayWindow;
  lastUsed: number;
}

export class SsrcTable {
  private readonly states = new Map<number, SsrcState>();
  private tick = 0;
  /** The last source looked up or added (packets come in runs from one source). */
  private last: SsrcState | undefined;

  constructor(
    private readonly limit: number,
    private readonly windowSize: number,
  ) {}

  /** The state of `ssrc`, or undefined. Looking up changes nothing. */
  get(ssrc: number): SsrcState | undefined {
    const last = this.last;
    if (last !== undefined && last.ssrc === ssrc) return last;
    const state = this.states.get(ssrc);
    if (state !== undefined) this.last = state;
    return state;
  }

  /**
   * Records `index` as accepted for `ssrc` (call only once its packet authenticated): updates
   * `state`, or adds one, evicting the least recently used source when the table is full.
   */
  accept(state: SsrcState | undefined, ssrc: number, index: number): void {
    const s = state ?? this.add(ssrc);
    s.lastUsed = ++this.tick;
    s.window.accept(index);
  }

  private add(ssrc: number): SsrcState {
    if (this.states.size >= this.limit) {
      let oldest: SsrcState | undefined;
      for (const s of this.states.values()) if (!oldest || s.lastUsed < oldest.lastUsed) oldest = s;
      if (oldest) this.states.delete(oldest.ssrc);
    }
    const state: SsrcState = { ssrc, window: new ReplayWindow(this.windowSize), lastUsed: 0 };
    this.states.set(ssrc, state);
    this.last = state;
    return state;
  }
}
