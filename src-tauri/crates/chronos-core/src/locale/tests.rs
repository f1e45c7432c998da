use super::*;

fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    }
}

fn system(pairs: &'static [(&'static str, &'static str)]) -> ResolvedLocale {
    let sys = system_locale(env(pairs));
    resolve(None, HourCycle::Auto, WeekStart::Auto, sys.as_deref())
}

#[test]
fn follows_the_system_locale_under_en_us_en_gb_and_de_de() {
    let us = system(&[("LANG", "en_US.UTF-8")]);
    assert_eq!(
        (us.tag.as_str(), us.hour12, us.first_day),
        ("en-US", true, 0)
    );
    let gb = system(&[("LANG", "en_GB.UTF-8")]);
    assert_eq!(
        (gb.tag.as_str(), gb.hour12, gb.first_day),
        ("en-GB", false, 1)
    );
    let de = system(&[("LANG", "de_DE.UTF-8@euro")]);
    assert_eq!(
        (de.tag.as_str(), de.hour12, de.first_day),
        ("de-DE", false, 1)
    );
    let eg = system(&[("LANG", "ar_EG.UTF-8")]);
    assert_eq!((eg.hour12, eg.first_day), (true, 6));
}

#[test]
fn lc_all_then_lc_time_then_lang() {
    let pairs = &[("LANG", "en_US.UTF-8"), ("LC_TIME", "de_DE.UTF-8")];
    assert_eq!(system(pairs).tag, "de-DE");
    let pairs = &[
        ("LANG", "en_US.UTF-8"),
        ("LC_TIME", "de_DE.UTF-8"),
        ("LC_ALL", "en_GB"),
    ];
    assert_eq!(system(pairs).tag, "en-GB");
}

#[test]
fn the_c_locale_keeps_its_own_24_hour_clock_and_sunday_weeks_in_english() {
    for pairs in [&[("LANG", "C.UTF-8")][..], &[("LC_ALL", "POSIX")], &[]] {
        let c = system(pairs);
        assert_eq!(
            (c.tag.as_str(), c.hour12, c.first_day),
            (FALLBACK_TAG, false, 0)
        );
    }
}

#[test]
fn settings_override_each_part() {
    let sys = Some("en-US");
    let gb = resolve(Some("en_gb"), HourCycle::Auto, WeekStart::Auto, sys);
    assert_eq!(
        (gb.tag.as_str(), gb.hour12, gb.first_day),
        ("en-GB", false, 1)
    );
    let mixed = resolve(None, HourCycle::H24, WeekStart::Monday, sys);
    assert_eq!(
        (mixed.tag.as_str(), mixed.hour12, mixed.first_day),
        ("en-US", false, 1)
    );
    let de12 = resolve(Some("de-DE"), HourCycle::H12, WeekStart::Saturday, sys);
    assert_eq!((de12.hour12, de12.first_day), (true, 6));
}

#[test]
fn a_bare_language_reads_as_its_usual_region() {
    let en = resolve(Some("en"), HourCycle::Auto, WeekStart::Auto, None);
    assert_eq!((en.hour12, en.first_day), (true, 0));
    let fr = resolve(Some("fr"), HourCycle::Auto, WeekStart::Auto, None);
    assert_eq!((fr.hour12, fr.first_day), (false, 1));
}

#[test]
fn tags_are_normalised_and_bad_ones_named() {
    assert_eq!(parse_tag("de_de").unwrap(), "de-DE");
    assert_eq!(parse_tag(" zh-hant-tw ").unwrap(), "zh-Hant-TW");
    assert_eq!(parse_tag("es-419").unwrap(), "es-419");
    for bad in ["", "english", "en-GBR-x", "1e-US", "en US"] {
        let err = parse_tag(bad).unwrap_err();
        assert!(err.to_string().contains("is not a locale"), "{bad}: {err}");
    }
}
