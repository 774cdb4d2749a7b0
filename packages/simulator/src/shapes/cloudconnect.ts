/** CloudConnect (§4): transit gateway and VPN breakouts created, available, terminated, state changes. */
import type { CategoryShapes, TypeShape } from './shape';

const cloudConnectDetail: TypeShape['detail'] = (rec) => {
  const id = rec.type.id;
  const tgw = id <= 23 || id === 25;
  const detail: Record<string, unknown> = {
    username: rec.user?.username ?? 'Application Token',
    breakout_id: 300 + (rec.variant % 50),
    creation_date: new Date(rec.time - 86_400_000).toISOString(),
    region: 'eu-west-1',
    breakout_type_id: tgw ? 1 : 2,
    breakout_type: tgw ? 'TGW' : 'VPN',
    price: tgw ? 300 : 150,
  };
  if (id === 22) {
    detail.resource_share_name = 'acme-tgw-share';
  }
  if (id === 25 || id === 26) {
    detail.deletion_date = new Date(rec.time).toISOString();
  }
  return detail;
};

const shape = (description: string): TypeShape => ({ description: () => description, detail: cloudConnectDetail });

export const CLOUDCONNECT: CategoryShapes = {
  category: 'cloudconnect',
  types: {
    22: shape("CloudConnect TGW resource share 'acme-tgw-share' created."),
    23: shape('CloudConnect transit gateway attachment is available.'),
    24: shape('CloudConnect VPN breakout is available.'),
    25: shape('CloudConnect TGW breakout terminated.'),
    26: shape('CloudConnect VPN breakout terminated.'),
    27: shape("CloudConnect connection state changed from 'pending' to 'available'."),
  },
};
