//! Small words that differ by language: the county's and the form's names (`county_en`, the
//! form's `name_en`), units, brackets and colons (full-width in Chinese, ASCII in English).
//! Words only.

use crate::config::Config;

use super::Lang;

/// The county as the reader's language names it (`county_en` in English, where given).
pub fn county(config: &Config, lang: Lang) -> &str {
    match lang {
        Lang::En => config.county_en.as_deref().unwrap_or(&config.county),
        Lang::Zh => &config.county,
    }
}

/// The form's name (`name_en` in English, where given).
pub fn form_name(config: &Config, lang: Lang) -> &str {
    match lang {
        Lang::En => config.form.name_en.as_deref().unwrap_or(&config.form.name),
        Lang::Zh => &config.form.name,
    }
}

/// A unit of the form in English; a unit not known here is shown as the configuration gives it.
pub fn unit(unit: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        return unit.to_string();
    }
    match unit {
        "人" => "persons",
        "人次" => "visits",
        "张" => "beds",
        "日" | "天" => "days",
        "床日" => "bed-days",
        "万元" => "10k yuan",
        "元" => "yuan",
        "千克" | "公斤" => "kg",
        "吨" => "t",
        "例" => "cases",
        "次" => "times",
        "户" => "households",
        "个" | "所" | "家" => "units",
        "台" => "sets",
        other => other,
    }
    .to_string()
}

/// `（text）` in Chinese, ` (text)` in English.
pub fn bracketed(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("（{text}）"),
        Lang::En => format!(" ({text})"),
    }
}

/// `：` in Chinese, `: ` in English.
pub fn colon(lang: Lang) -> &'static str {
    lang.t("：", ": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_are_ascii() {
        let c = Config::parse(
            "county = \"安平县\"\ncounty_en = \"Anping County\"\n[[townships]]\nname = \"甲镇\"\n",
            "t.toml",
        )
        .expect("config");
        assert_eq!(county(&c, Lang::En), "Anping County");
        assert_eq!(county(&c, Lang::Zh), "安平县");
        for u in ["人", "人次", "张", "日", "万元", "千克", "例", "次"] {
            assert!(unit(u, Lang::En).is_ascii(), "{u}");
            assert_eq!(unit(u, Lang::Zh), u);
        }
        assert_eq!(bracketed("2026-10", Lang::En), " (2026-10)");
        assert_eq!(bracketed("2026-10", Lang::Zh), "（2026-10）");
    }
}
