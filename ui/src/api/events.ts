// Listeners for the events the shell emits. Names are the contract (see src-tauri/src/events.rs).

import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  EventsChanged,
  NavigateDate,
  OutboxChanged,
  SyncFinished,
  SyncProgress,
  SyncStatus,
} from './types';

export const EVENT_NAMES = {
  syncProgress: 'sync://progress',
  syncStatus: 'sync://status',
  syncFinished: 'sync://finished',
  outboxChanged: 'outbox://changed',
  eventsChanged: 'events://changed',
  navigateDate: 'navigate://date',
} as const;

export interface EventPayloads {
  'sync://progress': SyncProgress;
  'sync://status': SyncStatus;
  'sync://finished': SyncFinished;
  'outbox://changed': OutboxChanged;
  'events://changed': EventsChanged;
  'navigate://date': NavigateDate;
}

export type EventName = keyof EventPayloads;

export function on<N extends EventName>(
  name: N,
  handler: (payload: EventPayloads[N]) => void,
): Promise<UnlistenFn> {
  return listen<EventPayloads[N]>(name, (e) => handler(e.payload));
}

export const onSyncProgress = (h: (p: SyncProgress) => void) => on('sync://progress', h);
export const onSyncStatus = (h: (p: SyncStatus) => void) => on('sync://status', h);
export const onSyncFinished = (h: (p: SyncFinished) => void) => on('sync://finished', h);
export const onOutboxChanged = (h: (p: OutboxChanged) => void) => on('outbox://changed', h);
export const onEventsChanged = (h: (p: EventsChanged) => void) => on('events://changed', h);
export const onNavigateDate = (h: (p: NavigateDate) => void) => on('navigate://date', h);

/** Subscribes to several events; the returned function removes them all. */
export async function subscribeAll(
  handlers: { [N in EventName]?: (payload: EventPayloads[N]) => void },
): Promise<UnlistenFn> {
  const unlisteners = await Promise.all(
    (Object.keys(handlers) as EventName[]).map((name) =>
      on(name, handlers[name] as (p: EventPayloads[typeof name]) => void),
    ),
  );
  return () => unlisteners.forEach((u) => u());
}
