//! Edits of one occurrence of a recurring series, in Google's model:
//! - "this event": the instance is patched or deleted under its own id
//!   (`{master}_{YYYYMMDDTHHMMSSZ}` / `{master}_{YYYYMMDD}`); an occurrence that was only
//!   expanded locally is first materialised as an exception row (the master's content with the
//!   instance id, `recurringEventId` and `originalStartTime`), which is what Google answers too.
//! - "all events": the master is patched (times move by the occurrence's shift) or deleted.
//! - "this and following": the master ends before the occurrence (`UNTIL`, patched with
//!   `If-Match`) and a new master with a client-chosen id starts at it.
//!
//! After a series edit, exceptions whose original occurrence no longer exists are deleted, in
//! the same local transaction; [`preview`] gives the number the user sees go, before saving.

use super::edit::{
    apply_changes, check_meet, check_writable, plan_create, plan_delete, plan_update, trashed_here,
    validate,
};
use super::{lock_edit, locks_for, EditOptions, EventChanges};
use crate::error::{Error, Result};
use crate::model::{AccountId, CalendarId, EventDateTime, EventId, EventResource};
use crate::occurrences::instance_of;
use crate::recurrence::{self, parse_event_time, EventTime, OccurrenceTime, TimeRange};
use crate::store::{CalendarRef, LocalWrite, RowChange, Store, StoredEvent};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// Which occurrences of a series an edit or deletion applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EditScope {
    This,
    ThisAndFollowing,
    All,
}

impl EditScope {
    pub const ALL: [EditScope; 3] = [EditScope::This, EditScope::ThisAndFollowing, EditScope::All];
}

/// What a series edit did.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OccurrenceEdit {
    /// The event now holding the change: the instance ("this"), the master ("all"), the new
    /// master ("this and following"). `None` after a deletion.
    pub event: Option<StoredEvent>,
    /// Exceptions deleted because their occurrence left the series (visible ones only).
    pub dropped_exceptions: usize,
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidInput(msg.into())
}

/// The occurrence an id names, with its series.
struct Target {
    master: EventResource,
    /// The stored exception, or the occurrence materialised from the master.
    instance: EventResource,
    original: OccurrenceTime,
    /// The id names the master itself (only "all events" applies).
    is_master: bool,
}

fn is_master(e: &EventResource) -> bool {
    e.recurring_event_id.is_none()
        && e.recurrence
            .as_ref()
            .is_some_and(|r| r.iter().any(|l| !l.trim().is_empty()))
}

fn occurrence_time(t: EventTime) -> OccurrenceTime {
    match t {
        EventTime::AllDay(date) => OccurrenceTime::Date { date },
        EventTime::Timed { utc, .. } => OccurrenceTime::Instant {
            utc,
            local: utc.naive_utc(),
        },
    }
}

fn get_master(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
) -> Result<EventResource> {
    store
        .get_event(account, calendar, id)?
        .map(|s| (*s.event).clone())
        .filter(|m| !m.is_cancelled() && is_master(m))
        .ok_or_else(|| Error::NotFound(format!("series {id} is not in this calendar")))
}

/// `{master}_{YYYYMMDDTHHMMSSZ}` / `{master}_{YYYYMMDD}` → master id and original start.
fn parse_instance_id(id: &EventId) -> Option<(EventId, OccurrenceTime)> {
    let (master, suffix) = id.as_str().rsplit_once('_')?;
    let original = if suffix.len() == 8 {
        OccurrenceTime::Date {
            date: NaiveDate::parse_from_str(suffix, "%Y%m%d").ok()?,
        }
    } else {
        let t = NaiveDateTime::parse_from_str(suffix.strip_suffix('Z')?, "%Y%m%dT%H%M%S").ok()?;
        OccurrenceTime::Instant {
            utc: t.and_utc(),
            local: t,
        }
    };
    Some((EventId(master.to_owned()), original))
}

fn resolve(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
) -> Result<Target> {
    if let Some(row) = store.get_event(account, calendar, id)? {
        let ev = (*row.event).clone();
        if ev.is_cancelled() {
            return Err(Error::NotFound(format!("occurrence {id} was deleted")));
        }
        if is_master(&ev) {
            let start = ev
                .start
                .as_ref()
                .ok_or_else(|| invalid("the series has no start"))?;
            let original = occurrence_time(parse_event_time(start)?);
            return Ok(Target {
                master: ev.clone(),
                instance: ev,
                original,
                is_master: true,
            });
        }
        let master_id = ev
            .recurring_event_id
            .clone()
            .ok_or_else(|| invalid("not an occurrence of a recurring event"))?;
        let original = ev
            .original_start_time
            .as_ref()
            .ok_or_else(|| invalid("the occurrence has no original start"))?;
        let original = occurrence_time(parse_event_time(original)?);
        let master = get_master(store, account, calendar, &master_id)?;
        return Ok(Target {
            master,
            instance: ev,
            original,
            is_master: false,
        });
    }
    let (master_id, original) = parse_instance_id(id)
        .ok_or_else(|| Error::NotFound(format!("event {id} is not in this calendar")))?;
    let master = get_master(store, account, calendar, &master_id)?;
    let range = match original {
        OccurrenceTime::Date { date } => {
            let from = date.and_time(NaiveTime::MIN).and_utc();
            TimeRange::new(from, from + Duration::days(1))
        }
        OccurrenceTime::Instant { utc, .. } => TimeRange::new(utc, utc + Duration::seconds(1)),
    };
    let expanded = recurrence::expand(std::slice::from_ref(&master), range, chrono_tz::UTC);
    let occ = expanded
        .occurrences
        .iter()
        .find(|o| &o.event_id == id)
        .ok_or_else(|| Error::NotFound(format!("{id} is not an occurrence of its series")))?;
    let instance = instance_of(&master, occ);
    Ok(Target {
        master,
        instance,
        original,
        is_master: false,
    })
}

/// Every exception of `master` in the calendar (cancelled ones included).
fn exceptions_of(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    master: &EventId,
) -> Result<Vec<EventResource>> {
    let far = |y| NaiveDate::from_ymd_opt(y, 1, 1).map(|d| d.and_time(NaiveTime::MIN).and_utc());
    let (Some(from), Some(to)) = (far(1), far(9999)) else {
        return Err(Error::Internal("date range".into()));
    };
    let cal = [CalendarRef {
        account: account.clone(),
        calendar: calendar.clone(),
    }];
    Ok(store
        .events_in_range(Some(account), Some(&cal), from, to)?
        .into_iter()
        .filter(|r| r.event.recurring_event_id.as_ref() == Some(master) && !is_master(&r.event))
        .map(|r| (*r.event).clone())
        .collect())
}

/// Writes `t` shifted as `occ` → `new` moved the occurrence: wall-clock shift in the series'
/// zone for timed events (so DST does not move the rest of the series), days for all-day ones.
fn shift(
    master_time: &EventDateTime,
    occ: &EventDateTime,
    new: &EventDateTime,
) -> Result<EventDateTime> {
    let (m, o, n) = (
        parse_event_time(master_time)?,
        parse_event_time(occ)?,
        parse_event_time(new)?,
    );
    let mut out = master_time.clone();
    match (m, o, n) {
        (EventTime::AllDay(m), EventTime::AllDay(o), EventTime::AllDay(n)) => {
            out.date = Some((m + (n - o)).format("%Y-%m-%d").to_string());
        }
        (
            EventTime::Timed { wall, zone, .. },
            EventTime::Timed { utc: o, .. },
            EventTime::Timed { utc: n, .. },
        ) => {
            let moved = wall + (zone.wall(n) - zone.wall(o));
            let utc: DateTime<Utc> = zone.instant(moved);
            out.date_time = Some(match zone {
                recurrence::Zone::Iana(tz) => utc
                    .with_timezone(&tz)
                    .to_rfc3339_opts(SecondsFormat::Secs, false),
                recurrence::Zone::Fixed(off) => utc
                    .with_timezone(&off)
                    .to_rfc3339_opts(SecondsFormat::Secs, false),
            });
        }
        _ => return Err(invalid(
            "a whole series cannot change between all-day and timed here: edit this and following",
        )),
    }
    Ok(out)
}

/// `changes` made to one occurrence, carried over to the whole series.
fn series_changes(t: &Target, changes: &EventChanges) -> Result<EventChanges> {
    let mut c = changes.clone();
    if t.is_master {
        return Ok(c);
    }
    let pairs = [
        (&mut c.start, &t.master.start, &t.instance.start),
        (&mut c.end, &t.master.end, &t.instance.end),
    ];
    for (field, master, occ) in pairs {
        if let (Some(new), Some(master), Some(occ)) = (field.as_ref(), master, occ) {
            *field = Some(shift(master, occ, new)?);
        }
    }
    Ok(c)
}

fn merge(into: &mut LocalWrite, w: LocalWrite) {
    into.rows.extend(w.rows);
    into.enqueue.extend(w.enqueue);
    into.update_outbox.extend(w.update_outbox);
    into.remove_outbox.extend(w.remove_outbox);
    into.add_conflicts.extend(w.add_conflicts);
    into.remove_conflicts.extend(w.remove_conflicts);
    into.trash.extend(w.trash);
}

struct Plan {
    write: LocalWrite,
    dropped_visible: usize,
    /// The event holding the change afterwards.
    result: Option<EventId>,
}

/// Plans an edit (`changes`) or a deletion (`None`) of the occurrence `id` with `scope`.
fn plan(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    changes: Option<&EventChanges>,
    scope: EditScope,
    opts: &EditOptions,
) -> Result<Plan> {
    let t = resolve(store, account, calendar, id)?;
    let first = t
        .master
        .start
        .as_ref()
        .map(parse_event_time)
        .transpose()?
        .map(occurrence_time);
    let at_first = first.is_some_and(|f| same_time(&f, &t.original));
    let scope = match scope {
        _ if t.is_master => EditScope::All,
        EditScope::ThisAndFollowing if at_first => EditScope::All,
        s => s,
    };
    let planner = Planner {
        store,
        account,
        calendar,
        t: &t,
        opts,
    };
    match scope {
        EditScope::This => planner.this(changes),
        EditScope::All => planner.all(changes),
        EditScope::ThisAndFollowing => planner.following(changes),
    }
}

/// What every plan of one occurrence's edit works from: the store and calendar it writes to,
/// the occurrence with its series, and the edit's options.
struct Planner<'a> {
    store: &'a Store,
    account: &'a AccountId,
    calendar: &'a CalendarId,
    t: &'a Target,
    opts: &'a EditOptions,
}

impl Planner<'_> {
    fn update(&self, current: &EventResource, new: EventResource) -> Result<LocalWrite> {
        plan_update(
            self.store,
            self.account,
            self.calendar,
            current,
            new,
            self.opts,
        )
    }

    fn delete(&self, current: &EventResource) -> Result<LocalWrite> {
        plan_delete(self.store, self.account, self.calendar, current, self.opts)
    }

    /// Deletes the exceptions the master had and `new` (the edited master, or `None`: the
    /// series is gone) no longer has an occurrence for.
    fn drop_exceptions(&self, new: Option<&EventResource>, w: &mut LocalWrite) -> Result<usize> {
        let old = &self.t.master;
        let exceptions = exceptions_of(self.store, self.account, self.calendar, &old.id)?;
        let (dropped, visible): (Vec<usize>, usize) = match new {
            Some(new) => {
                let t = recurrence::surviving_exceptions(old, new, &exceptions)?;
                (t.dropped, t.dropped_visible)
            }
            None => (
                (0..exceptions.len()).collect(),
                exceptions.iter().filter(|e| !e.is_cancelled()).count(),
            ),
        };
        for i in dropped {
            let e = &exceptions[i];
            if e.is_cancelled() || new.is_none() {
                // Nothing of it shows, or Google deletes it with its series: only the local row
                // goes.
                w.rows.push(RowChange::Delete {
                    calendar: self.calendar.clone(),
                    event_id: e.id.clone(),
                });
            } else {
                merge(w, self.delete(e)?);
            }
        }
        Ok(visible)
    }

    /// "This event": the instance is updated, or deleted as a cancelled row.
    fn this(&self, changes: Option<&EventChanges>) -> Result<Plan> {
        let instance = &self.t.instance;
        match changes {
            Some(changes) => {
                let new = apply_changes(instance, changes);
                validate(&new)?;
                let result = Some(new.id.clone());
                let w = self.update(instance, new)?;
                Ok(Plan {
                    write: w,
                    dropped_visible: 0,
                    result,
                })
            }
            None => {
                let mut d = self.delete(instance)?;
                // The user deleted this occurrence: it is a trash entry of its own.
                d.trash.push(trashed_here(self.calendar, instance));
                // The row stays, cancelled: the master would otherwise generate the occurrence
                // again.
                let mut cancelled = instance.clone();
                cancelled.status = Some("cancelled".into());
                d.rows = vec![RowChange::Upsert {
                    calendar: self.calendar.clone(),
                    event: cancelled,
                }];
                Ok(Plan {
                    write: d,
                    dropped_visible: 0,
                    result: None,
                })
            }
        }
    }

    /// "All events": the master is updated or deleted, with the exceptions that no longer fit.
    fn all(&self, changes: Option<&EventChanges>) -> Result<Plan> {
        let master = &self.t.master;
        let new = match changes {
            Some(changes) => {
                let new = apply_changes(master, &series_changes(self.t, changes)?);
                validate(&new)?;
                Some(new)
            }
            None => None,
        };
        let mut w = LocalWrite::default();
        let dropped = self.drop_exceptions(new.as_ref(), &mut w)?;
        let result = new.as_ref().map(|new| new.id.clone());
        let write = match new {
            Some(new) => self.update(master, new)?,
            None => {
                // The series goes into the trash once, as its master.
                let mut d = self.delete(master)?;
                d.trash.push(trashed_here(self.calendar, master));
                d
            }
        };
        merge(&mut w, write);
        Ok(Plan {
            write: w,
            dropped_visible: dropped,
            result,
        })
    }

    /// "This and following": the master ends before the occurrence and, for an edit, a new
    /// series starts at it.
    fn following(&self, changes: Option<&EventChanges>) -> Result<Plan> {
        let t = self.t;
        let mut w = LocalWrite::default();
        let (ended, following) =
            recurrence::split_series(&t.master, &t.original, crate::google::new_event_id())?;
        validate(&ended)?;
        let dropped = self.drop_exceptions(Some(&ended), &mut w)?;
        merge(&mut w, self.update(&t.master, ended)?);
        let mut result = None;
        if let Some(changes) = changes {
            let new = apply_changes(&following, changes);
            validate(&new)?;
            let create = plan_create(self.account, self.calendar, new, self.opts)?;
            result = create.enqueue.first().map(|e| e.event_id.clone());
            merge(&mut w, create);
        }
        Ok(Plan {
            write: w,
            dropped_visible: dropped,
            result,
        })
    }
}

fn same_time(a: &OccurrenceTime, b: &OccurrenceTime) -> bool {
    match (a, b) {
        (OccurrenceTime::Date { date: x }, OccurrenceTime::Date { date: y }) => x == y,
        (OccurrenceTime::Instant { utc: x, .. }, OccurrenceTime::Instant { utc: y, .. }) => x == y,
        _ => false,
    }
}

/// How many visible exceptions an edit (`changes`) or deletion (`None`) of occurrence `id` with
/// `scope` would delete; nothing is written.
pub fn preview(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    changes: Option<&EventChanges>,
    scope: EditScope,
) -> Result<usize> {
    Ok(plan(
        store,
        account,
        calendar,
        id,
        changes,
        scope,
        &EditOptions::default(),
    )?
    .dropped_visible)
}

/// What an edit of occurrence `id` with `scope` starts from: the occurrence as shown (its
/// stored exception, or materialised from the master) for "this", the master for "all".
pub fn edit_base(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    scope: EditScope,
) -> Result<EventResource> {
    let t = resolve(store, account, calendar, id)?;
    Ok(match scope {
        EditScope::This => t.instance,
        EditScope::All | EditScope::ThisAndFollowing => t.master,
    })
}

/// How many occurrences deleting `id` with `scope` removes: `None` when the series never ends
/// (or has more than the expansion limits count). Asked before a bulk delete.
pub fn removed_occurrences(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    scope: EditScope,
) -> Result<Option<usize>> {
    let t = resolve(store, account, calendar, id)?;
    if scope == EditScope::This && !t.is_master {
        return Ok(Some(1));
    }
    let rules = t.master.recurrence.iter().flatten();
    let ends = rules
        .filter(|l| l.trim_start().to_ascii_uppercase().starts_with("RRULE"))
        .all(|l| {
            let l = l.to_ascii_uppercase();
            l.contains("COUNT=") || l.contains("UNTIL=")
        });
    if !ends {
        return Ok(None);
    }
    let from = match (scope, t.original) {
        (EditScope::ThisAndFollowing, OccurrenceTime::Instant { utc, .. }) => utc,
        (EditScope::ThisAndFollowing, OccurrenceTime::Date { date }) => date
            .and_time(NaiveTime::MIN)
            .and_utc()
            .checked_sub_signed(Duration::days(1))
            .unwrap_or(DateTime::<Utc>::MIN_UTC),
        _ => DateTime::<Utc>::MIN_UTC,
    };
    let range = TimeRange::new(from, DateTime::<Utc>::MAX_UTC);
    let expanded = recurrence::expand(&[&t.master], range, chrono_tz::UTC);
    if !expanded.truncated.is_empty() {
        return Ok(None);
    }
    let n = match (scope, t.original) {
        // An all-day occurrence counts from its own date (the range above starts a day early).
        (EditScope::ThisAndFollowing, OccurrenceTime::Date { date }) => expanded
            .occurrences
            .iter()
            .filter(|o| !matches!(o.start, OccurrenceTime::Date { date: d } if d < date))
            .count(),
        _ => expanded.occurrences.len(),
    };
    Ok(Some(n))
}

/// Edits occurrence `id` (an instance id, stored or only expanded, or a master id) with `scope`.
pub fn update_occurrence(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    changes: &EventChanges,
    scope: EditScope,
    opts: &EditOptions,
) -> Result<OccurrenceEdit> {
    check_meet(store, account, calendar, changes)?;
    write_plan(store, account, calendar, || {
        plan(store, account, calendar, id, Some(changes), scope, opts)
    })
}

/// Deletes occurrence `id` with `scope`.
pub fn delete_occurrence(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    id: &EventId,
    scope: EditScope,
    opts: &EditOptions,
) -> Result<OccurrenceEdit> {
    write_plan(store, account, calendar, || {
        plan(store, account, calendar, id, None, scope, opts)
    })
}

/// Writes the plan `make` makes, under the account's edit lock (so that it is made from the rows
/// it replaces), and reads back the event holding the change (none after a deletion).
fn write_plan(
    store: &Store,
    account: &AccountId,
    calendar: &CalendarId,
    make: impl FnOnce() -> Result<Plan>,
) -> Result<OccurrenceEdit> {
    check_writable(store, account, calendar)?;
    let locks = locks_for(store, account);
    let _g = lock_edit(&locks);
    let p = make()?;
    store.write_local(account, &p.write)?;
    let event = match &p.result {
        Some(id) => store.get_event(account, calendar, id)?,
        None => None,
    };
    Ok(OccurrenceEdit {
        event,
        dropped_exceptions: p.dropped_visible,
    })
}
