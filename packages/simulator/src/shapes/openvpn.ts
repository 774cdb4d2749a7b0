/** OpenVPN (§4): client connect, disconnect and authentication, from the client's public IP. */
import type { EventRecord } from '../record';
import type { CategoryShapes, TypeShape } from './shape';

function openVpnIp(rec: EventRecord): string {
  return `91.64.${(rec.variant >> 8) % 256}.${(rec.variant % 254) + 1}`;
}

const shape = (describe: (ip: string) => string): TypeShape => ({
  description: (rec) => describe(openVpnIp(rec)),
  detail: (rec, rng) => ({
    region: 'eu-west-1',
    client: { public_ip: openVpnIp(rec), version: '2.6.8', private_ip: `10.199.0.${rng.int(2, 254)}` },
    protocol: 'udp',
  }),
});

export const OPENVPN: CategoryShapes = {
  category: 'openvpn',
  types: {
    28: shape((ip) => `OpenVPN client connected from ${ip}.`),
    29: shape((ip) => `OpenVPN client disconnected from ${ip}.`),
    30: shape((ip) => `OpenVPN authentication succeeded for client ${ip}.`),
  },
};
