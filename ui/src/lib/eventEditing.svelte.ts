// The event dialog's life: opening it on a new or an existing event, saving and deleting from
// it, and moving an event by dragging it in the view.

import { DateTime } from 'luxon';
import * as api from '../api/commands';
import type { AppError, EditScope, EventView, SendUpdates } from '../api/types';
import type { Selection, TimeChange } from '../components/CalendarView.svelte';
import type { AppState } from './appState.svelte';
import { formFromEvent, formToInput, inputWithTimes, newEventForm, type EventForm } from './eventForm';
import { defaultCalendar, formFieldOfError, newEventSlot } from './newEvent';
import { eventKey } from './calendarEvents';
import type { ToastQueue } from './toasts.svelte';

export interface EventDialogState {
  /** A new key per opening: the dialog starts afresh. */
  key: number;
  event: EventView | null;
  initial: EventForm;
  startInEdit: boolean;
  /** Opened by the Delete key: the dialog starts by asking to confirm the deletion. */
  startDeleting?: boolean;
  busy: boolean;
  error: string | null;
  errorField: string | null;
}

export class EventEditing {
  /** The open dialog, or null. */
  dialog = $state<EventDialogState | null>(null);
  #lastKey = 0;
  readonly #state: AppState;
  readonly #toasts: ToastQueue;
  /** Says a change was made (the toast with Undo). */
  readonly #changed: (message: string) => void;

  constructor(state: AppState, toasts: ToastQueue, changed: (message: string) => void = () => {}) {
    this.#state = state;
    this.#toasts = toasts;
    this.#changed = changed;
  }

  /** A new event over the selected time, in the default calendar. */
  openCreate = (sel: Selection) => {
    const state = this.#state;
    const cal = defaultCalendar(state.writable);
    if (!cal) {
      this.#toasts.show(state.accounts.length ? 'None of your calendars accepts new events.' : 'Connect a Google account first.', 'info');
      return;
    }
    this.dialog = {
      key: ++this.#lastKey,
      event: null,
      initial: newEventForm(cal.accountId, cal.id, sel.start, sel.end, sel.allDay, state.displayZone),
      startInEdit: true,
      busy: false,
      error: null,
      errorField: null,
    };
  };

  /** A new event of an hour on `viewDay` (the day the view shows, if any). */
  openNew = (viewDay: string | null | undefined) => {
    const zone = this.#state.displayZone;
    this.openCreate(newEventSlot(viewDay, DateTime.now().setZone(zone), zone));
  };

  openEvent = (ev: EventView, deleting = false) => {
    this.dialog = {
      key: ++this.#lastKey,
      event: ev,
      initial: formFromEvent(ev, this.#state.displayZone),
      startInEdit: false,
      startDeleting: deleting,
      busy: false,
      error: null,
      errorField: null,
    };
  };

  close = () => {
    this.dialog = null;
  };

  /** Asks Google for a Meet link for the shown event; the dialog shows it pending. */
  addMeet = async (ev: EventView) => {
    const d = this.dialog;
    if (!d) return;
    d.busy = true;
    try {
      const shown = await api.addMeet(ev.accountId, ev.calendarId, ev.id);
      if (this.dialog === d) d.event = shown;
      this.#state.refetch();
    } catch (e) {
      this.#toasts.fail('Could not add Google Meet')(e);
    } finally {
      d.busy = false;
    }
  };

  /** The view reloaded: the open dialog shows its event as it is now (a Meet link that came). */
  refreshShown = (events: EventView[]) => {
    const d = this.dialog;
    const shown = d?.event;
    if (!d || !shown || d.busy) return;
    const fresh = events.find((e) => eventKey(e) === eventKey(shown));
    if (fresh) d.event = fresh;
  };

  save = async (form: EventForm, sendUpdates: SendUpdates | undefined, scope?: EditScope) => {
    const d = this.dialog;
    if (!d) return;
    d.busy = true;
    d.error = null;
    d.errorField = null;
    try {
      const original = d.event;
      if (!original) {
        const made = await api.createEvent(formToInput(form));
        this.#changed(`Created “${made.title || '(No title)'}”`);
      } else {
        let target = original;
        if (form.calendarId !== original.calendarId) {
          target = await api.moveEvent(original.accountId, original.calendarId, original.id, form.calendarId);
          // If the update below fails, a second Save must not try the move again.
          d.event = target;
        }
        const saved = await api.updateEvent(target.accountId, target.calendarId, target.id, formToInput(form, original), sendUpdates, scope);
        this.#changed(`Saved “${saved.title || '(No title)'}”`);
      }
      this.dialog = null;
      this.#state.refetch();
    } catch (e) {
      const err = e as AppError;
      d.busy = false;
      d.error = err.message;
      d.errorField = formFieldOfError(err.field, form.allDay);
    }
  };

  delete = async (ev: EventView, sendUpdates: SendUpdates | undefined, scope?: EditScope) => {
    const d = this.dialog;
    if (d) d.busy = true;
    try {
      await api.deleteEvent(ev.accountId, ev.calendarId, ev.id, sendUpdates, scope);
      this.#changed(`Deleted “${ev.title || '(No title)'}”`);
      this.dialog = null;
      this.#state.refetch();
    } catch (e) {
      if (d) {
        d.busy = false;
        d.error = (e as AppError).message;
      }
      this.#toasts.fail('Could not delete the event')(e);
    }
  };

  /** An event dragged or resized in the view; a read-only one, or a refused change, goes back. */
  changeTimes = async (c: TimeChange) => {
    if (c.event.readOnly) {
      c.revert();
      return;
    }
    try {
      await api.updateEvent(
        c.event.accountId,
        c.event.calendarId,
        c.event.id,
        inputWithTimes(c.event, c.start, c.end, c.allDay),
        c.event.attendees?.length ? 'all' : undefined,
      );
      this.#changed(`Moved “${c.event.title || '(No title)'}”`);
      this.#state.refetch();
    } catch (e) {
      c.revert();
      this.#toasts.fail(`Could not move “${c.event.title}”`)(e);
    }
  };
}
