// Who a conversation can be assigned to: the app's active teammates (GET /teammates under the
// team API, answered to agents and admins alike).
import { api, teamPath } from '../api/client';
import type { TeammateSummary } from './types';

export async function loadTeammates(appId: string, me: TeammateSummary): Promise<TeammateSummary[]> {
  try {
    const { teammates } = await api<{ teammates: TeammateSummary[] }>('GET', teamPath(appId, 'teammates'));
    return teammates;
  } catch {
    // Unreachable for now: assigning to oneself (or to nobody) still works.
    return [me];
  }
}
