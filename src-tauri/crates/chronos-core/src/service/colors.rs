//! The account's colour palette (`colors.get`), for what a calendar's or an event's `colorId` means.
