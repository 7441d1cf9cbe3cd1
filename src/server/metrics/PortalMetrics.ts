import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { anchoringGauges, type Db } from '../../store/index.js';

/** Every batch state, reported even at 0 so a dashboard's series do not appear and vanish. */
const BATCH_STATES = ['built', 'sent', 'mined', 'confirmed', 'final', 'failed'] as const;

export interface MetricsSources {
  readonly db: Db;
  readonly engine: { readonly failures: ReadonlyMap<string, number> };
  readonly chainOps: { readonly failures: ReadonlyMap<string, number> };
  /** The writer lease; absent: a lone process, always leading. */
  readonly writer?: { readonly leading: boolean; readonly holder?: string };
  /** This replica's name when there is no lease holder to take it from. */
  readonly replica: string;
}

/**
 * The portal's Prometheus metrics, in a registry of its own (never prom-client's global one: two
 * portals in one process, as tests run them, keep separate numbers). Queue gauges are read from the
 * database at each scrape, so every replica reports the shared queue; chain errors and HTTP timings
 * are this process's own.
 */
export class PortalMetrics {
  readonly registry = new Registry();
  private readonly queueDepth: Gauge<'state'>;
  private readonly oldestPending: Gauge;
  private readonly lag: Gauge;
  private readonly batches: Gauge<'state'>;
  private readonly chainErrors: Counter<'worker' | 'code'>;
  private readonly leader: Gauge<'replica'>;
  private readonly http: Histogram<'route' | 'method' | 'status_class'>;

  constructor(private readonly s: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.queueDepth = new Gauge({
      name: 'medproof_anchor_queue_depth',
      help: 'Leaves not yet anchored: queued (waiting for a batch) and batched (in a batch on its way to the chain)',
      labelNames: ['state'],
      registers,
    });
    this.oldestPending = new Gauge({
      name: 'medproof_anchor_oldest_pending_seconds',
      help: 'Age of the oldest leaf not yet anchored (0 when none waits)',
      registers,
    });
    this.lag = new Gauge({
      name: 'medproof_anchoring_lag_seconds',
      help: 'The newest confirmed batch: seconds from its oldest leaf being queued to its confirmation',
      registers,
    });
    this.batches = new Gauge({
      name: 'medproof_anchor_batches',
      help: 'Anchoring batches by state',
      labelNames: ['state'],
      registers,
    });
    const sources = { anchoring: s.engine, 'chain-ops': s.chainOps };
    this.chainErrors = new Counter({
      name: 'medproof_chain_errors_total',
      help: "Failed steps of this process's anchoring engine and chain-operations worker, by error code",
      labelNames: ['worker', 'code'],
      registers,
      // The workers count; the counter mirrors them at each scrape (they only ever go up).
      collect() {
        this.reset();
        for (const [worker, source] of Object.entries(sources))
          for (const [code, n] of source.failures) this.inc({ worker, code }, n);
      },
    });
    this.leader = new Gauge({
      name: 'medproof_leader',
      help: 'Whether this replica holds the writer lease and runs the anchoring engine (1) or not (0)',
      labelNames: ['replica'],
      registers,
    });
    this.http = new Histogram({
      name: 'medproof_http_request_duration_seconds',
      help: 'HTTP requests by route pattern (never the raw URL), method and status class',
      labelNames: ['route', 'method', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  /** One finished request; `route` is the matched pattern (`/api/documents/:id`), or undefined for none. */
  observeRequest(route: string | undefined, method: string, status: number, seconds: number): void {
    this.http.observe(
      { route: route ?? 'unmatched', method, status_class: `${Math.floor(status / 100)}xx` },
      seconds,
    );
  }

  /** The text exposition, with the shared queue read now. */
  async render(now = Date.now()): Promise<string> {
    const g = await anchoringGauges(this.s.db.kysely);
    this.queueDepth.set({ state: 'queued' }, g.leaves.queued);
    this.queueDepth.set({ state: 'batched' }, g.leaves.batched);
    this.oldestPending.set(g.oldestPendingAt === null ? 0 : Math.max(0, (now - g.oldestPendingAt) / 1000));
    this.lag.set(g.lastAnchor ? Math.max(0, (g.lastAnchor.confirmedAt - g.lastAnchor.queuedAt) / 1000) : 0);
    for (const state of BATCH_STATES) this.batches.set({ state }, g.batches[state] ?? 0);
    this.leader.reset();
    this.leader.set(
      { replica: this.s.writer?.holder ?? this.s.replica },
      (this.s.writer?.leading ?? true) ? 1 : 0,
    );
    return this.registry.metrics();
  }
}
