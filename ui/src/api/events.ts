// Listeners for the events the shell emits. Names are the contract (see src-tauri/src/events.rs).

import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { ShellEvents } from './types';

export const EVENT_NAMES = {
  syncProgress: 'sync://progress',
  syncStatus: 'sync://status',
  syncFinished: 'sync://finished',
  outboxChanged: 'outbox://changed',
  eventsChanged: 'events://changed',
  navigateDate: 'navigate://date',
  quickAddOpen: 'quickadd://open',
  massDeletion: 'health://mass-deletion',
} as const satisfies Record<string, keyof ShellEvents>;

/** Event names and their payloads, as the shell declares them (generated). */
export type EventPayloads = ShellEvents;

export type EventName = keyof EventPayloads;

export function on<N extends EventName>(
  name: N,
  handler: (payload: EventPayloads[N]) => void,
): Promise<UnlistenFn> {
  return listen<EventPayloads[N]>(name, (e) => handler(e.payload));
}

type Handler<N extends EventName> = (p: EventPayloads[N]) => void;
export const onSyncProgress = (h: Handler<'sync://progress'>) => on('sync://progress', h);
export const onSyncStatus = (h: Handler<'sync://status'>) => on('sync://status', h);
export const onSyncFinished = (h: Handler<'sync://finished'>) => on('sync://finished', h);
export const onOutboxChanged = (h: Handler<'outbox://changed'>) => on('outbox://changed', h);
export const onEventsChanged = (h: Handler<'events://changed'>) => on('events://changed', h);
export const onNavigateDate = (h: Handler<'navigate://date'>) => on('navigate://date', h);

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
