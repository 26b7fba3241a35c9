// aws-local-stepfunctions@3 calls Promise.withResolvers, which Node 20 lacks (Node 22 has it).
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};

// The AWS SDK warns on every start that Node 20 support ends in 2027. The embedded runtime runs
// the same code Lambda runs on nodejs22.x; on a developer's Node 20 the notice is only noise.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const name =
    typeof warning === 'string' ? (rest[0] as { type?: string } | string | undefined) : warning.name;
  const type = typeof name === 'string' ? name : name?.type;
  if (type === 'NodeVersionSupportWarning') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
