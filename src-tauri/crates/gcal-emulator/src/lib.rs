//! gcal-emulator
