//! The choice itself, on numbers only: which events each day keeps and how many it hides.

use std::cmp::Ordering;

/// Where one event shows on the grid and how it sorts there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    /// The grid's days it covers, `first..=last` (cut to the grid).
    pub first: u32,
    pub last: u32,
    /// All-day, or over more than one day: a bar at the top of its days.
    pub long: bool,
    /// Start (an all-day event's: its first date's midnight in the zone), in UTC seconds.
    pub start: i64,
    pub length: i64,
}

impl Place {
    /// The grid's order: bars first, then by start, then the longer first.
    fn order(&self, other: &Place) -> Ordering {
        other
            .long
            .cmp(&self.long)
            .then(self.start.cmp(&other.start))
            .then(other.length.cmp(&self.length))
    }
}

pub(crate) struct Chosen {
    /// The kept events (indices into the places), ascending.
    pub kept: Vec<usize>,
    /// Per day of the grid: the events covering it that are not kept.
    pub hidden: Vec<u32>,
}

/// Keeps, for each day, the first `per_day` events covering it in the grid's order (`tie`
/// breaks equal places for a stable answer). A day's hidden count is what covers it and was kept
/// on no day.
pub(crate) fn choose(
    places: &[Place],
    days: u32,
    per_day: usize,
    tie: impl Fn(usize, usize) -> Ordering,
) -> Chosen {
    let mut by_day: Vec<Vec<usize>> = vec![Vec::new(); days as usize];
    for (i, p) in places.iter().enumerate() {
        for day in p.first..=p.last {
            by_day[day as usize].push(i);
        }
    }
    let cmp = |a: &usize, b: &usize| places[*a].order(&places[*b]).then_with(|| tie(*a, *b));
    let mut kept = vec![false; places.len()];
    for day in &mut by_day {
        if day.len() > per_day && per_day > 0 {
            day.select_nth_unstable_by(per_day - 1, cmp);
        }
        for &i in day.iter().take(per_day) {
            kept[i] = true;
        }
    }
    let hidden = by_day
        .iter()
        .map(|day| day.iter().filter(|&&i| !kept[i]).count() as u32)
        .collect();
    Chosen {
        kept: (0..places.len()).filter(|&i| kept[i]).collect(),
        hidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(day: u32, start: i64, length: i64) -> Place {
        Place {
            first: day,
            last: day,
            long: false,
            start,
            length,
        }
    }

    fn by_index(a: usize, b: usize) -> Ordering {
        a.cmp(&b)
    }

    #[test]
    fn a_day_keeps_bars_first_then_the_earliest_then_the_longest() {
        let places = [
            timed(0, 900, 60),
            timed(0, 100, 60),
            timed(0, 100, 120),
            Place {
                first: 0,
                last: 1,
                long: true,
                start: 5_000,
                length: 90_000,
            },
            timed(1, 100, 60),
        ];
        let chosen = choose(&places, 3, 2, by_index);
        // Day 0 keeps the bar and the longer of the two at 100; day 1 the bar and its own.
        assert_eq!(chosen.kept, vec![2, 3, 4]);
        assert_eq!(chosen.hidden, vec![2, 0, 0]);

        let chosen = choose(&places, 3, 3, by_index);
        assert_eq!(chosen.kept, vec![1, 2, 3, 4]);
        assert_eq!(chosen.hidden, vec![1, 0, 0]);
    }

    #[test]
    fn an_event_kept_on_one_day_is_not_hidden_on_another() {
        // Day 1 is full of earlier bars, but the one kept on day 0 still shows there.
        let bar = |first, start| Place {
            first,
            last: 1,
            long: true,
            start,
            length: 1,
        };
        let places = [bar(0, 50), bar(1, 10), bar(1, 20)];
        let chosen = choose(&places, 2, 1, by_index);
        assert_eq!(chosen.kept, vec![0, 1]);
        assert_eq!(chosen.hidden, vec![0, 1]);
    }

    #[test]
    fn ties_are_broken_by_the_callers_order_and_zero_keeps_nothing() {
        let places = [timed(0, 1, 1), timed(0, 1, 1), timed(0, 1, 1)];
        let chosen = choose(&places, 1, 1, |a, b| b.cmp(&a));
        assert_eq!(chosen.kept, vec![2]);
        let chosen = choose(&places, 1, 0, by_index);
        assert!(chosen.kept.is_empty());
        assert_eq!(chosen.hidden, vec![3]);
    }
}
