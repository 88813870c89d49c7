/** One job of `plan --format json`, as tests read it. */
export interface PlanJob {
  readonly id: string;
  readonly node: string;
  readonly status: string;
  readonly deps: readonly string[];
  readonly dir: string;
}
