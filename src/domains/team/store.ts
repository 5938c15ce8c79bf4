import { makeFuseStore } from '@/fuse/store/provider';
import { sessionSlice, uiSlice, type SessionSlice, type SessionView, type UiSlice } from '@/fuse/store/slices';
import type { TeamInitial } from './queries';
import { teamSlice, type TeamSlice } from './slice';

export type TeamStoreState = SessionSlice & UiSlice & TeamSlice;
export type TeamStoreInitial = { session: SessionView; team: TeamInitial };

export function createTeamStore(initial: TeamStoreInitial) {
  return makeFuseStore<TeamStoreState>((set, get) => ({
    ...sessionSlice(initial.session),
    ...uiSlice<TeamStoreState>(set),
    ...teamSlice(initial.team, set, get),
  }));
}
