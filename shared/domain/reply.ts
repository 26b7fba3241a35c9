/** What a use case answers: the status and body the caller gets (and a replay gets again). */
export interface Reply<T = unknown> {
  status: number;
  body: T;
}
