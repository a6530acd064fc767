/**
 * Which AWS call an error came from. Every client kiln builds (clients.ts) carries one middleware,
 * outermost (before the SDK's retries), that notes the service, the operation, the region and the
 * custom endpoint of a call that failed, so the error can name them whatever step made the call.
 * The note lives beside the error (a WeakMap), not on it.
 */

export interface AwsCall {
  /** 'EC2', 'EBS', 'S3'. */
  service: string;
  /** The API operation: 'RegisterImage', 'PutSnapshotBlock', 'PutObject', … */
  operation: string;
  region: string;
  /** --endpoint-url, when the call went to one instead of AWS. */
  endpoint?: string;
}

const calls = new WeakMap<object, AwsCall>();

/** The call `error` came from, when it came from a client kiln built. */
export function callOf(error: unknown): AwsCall | undefined {
  return error !== null && typeof error === 'object' ? calls.get(error) : undefined;
}

/**
 * The middleware that notes a failed call, for `client.middlewareStack.add(…, NOTE_OPTIONS)` on
 * every client kiln builds. Outermost (initialize, high priority): it sees the error the SDK's
 * retries gave up with.
 */
export function failedCallNote(call: Omit<AwsCall, 'operation'>) {
  return <A, R>(next: (args: A) => Promise<R>, context: { commandName?: string }) =>
    async (args: A): Promise<R> => {
      try {
        return await next(args);
      } catch (error) {
        if (error !== null && typeof error === 'object' && !calls.has(error)) {
          calls.set(error, { ...call, operation: (context.commandName ?? 'unknown operation').replace(/Command$/, '') });
        }
        throw error;
      }
    };
}

export const NOTE_OPTIONS = { step: 'initialize', name: 'kilnFailedCallNote', priority: 'high' } as const;
