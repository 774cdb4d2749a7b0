/** Log lines for what the API client tells its observer and an operator should see (the metrics count it all). */
import { ClientObserver } from '@emnify-events/client';
import { Logger } from './logger';

export function withClientLog(observer: ClientObserver, logger: Logger): ClientObserver {
  return {
    ...observer,
    onRetry: (info) => {
      observer.onRetry?.(info);
      if (info.clamped) {
        logger.warn(
          'the emnify API asked to wait longer than the client waits at most: waiting the bound, then asking again',
          {
            endpoint: info.endpoint,
            retry_after_seconds: (info.retryAfterMs ?? 0) / 1000,
            waiting_seconds: info.delayMs / 1000,
          }
        );
      }
    },
    onEventsRefused: (info) => {
      observer.onEventsRefused?.(info);
      if (info.firstRejection) {
        logger.warn('refused events of an API page (not counted)', {
          endpoint: info.endpoint,
          reasons: info.byReason,
          first: info.firstRejection.message,
        });
      }
    },
  };
}
