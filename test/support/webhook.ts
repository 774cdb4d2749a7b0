import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** One Alertmanager webhook notification (payload version 4), as a receiver gets it. */
export interface Notification {
  receiver: string;
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: Array<{ status: 'firing' | 'resolved'; labels: Record<string, string>; fingerprint: string }>;
  /** When it arrived (ms since the epoch). */
  receivedAt: number;
}

export interface WebhookReceiver {
  url: string;
  notifications: Notification[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records every notification Alertmanager posts to it. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const notifications: Notification[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      notifications.push({ ...(JSON.parse(body) as Omit<Notification, 'receivedAt'>), receivedAt: Date.now() });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
