use super::*;

const ROSTER: &str =
    "county = \"安平县\"\n[[townships]]\nname = \"青石镇\"\naliases = [\"青石镇卫生院\"]\n";

#[test]
fn roster_only_uses_built_in_form() {
    let c = Config::parse(ROSTER, "t.toml").expect("valid");
    assert_eq!(c.indicators.len(), 43);
    assert_eq!(c.rates.len(), 18);
    assert!(c.checks.iter().any(|ch| ch.id() == "R09"));
    assert_eq!(c.townships[0].name(), "青石镇");
}

#[test]
fn bad_toml_names_line() {
    let e = Config::parse("county = \"x\"\n[[townships]\n", "t.toml").unwrap_err();
    assert!(e.to_string().starts_with("t.toml:2:"), "{e}");
}

#[test]
fn unknown_code_in_rule_names_key_and_line() {
    let text = format!(
        "{ROSTER}{}\n[[checks]]\nid = \"X1\"\nseverity = \"error\"\nassert = \"C02 <= Z99\"\n",
        DEFAULT_FORM.split("[[checks]]").next().unwrap_or_default()
    );
    let e = Config::parse(&text, "t.toml").unwrap_err();
    let s = e.to_string();
    assert!(s.contains("checks[0].assert"), "{s}");
    assert!(s.contains("Z99"), "{s}");
    let line = text
        .lines()
        .position(|l| l.contains("Z99"))
        .map(|p| p + 1)
        .unwrap_or(0);
    assert!(s.starts_with(&format!("t.toml:{line}:")), "{s}");
}

#[test]
fn duplicate_code_is_refused() {
    let form_part = DEFAULT_FORM.split("[[rates]]").next().unwrap_or_default();
    let text = format!(
        "{ROSTER}{form_part}\n[[indicators]]\ncode = \"A01\"\nname = \"x\"\nunit = \"人\"\nkind = \"stock\"\n"
    );
    let e = Config::parse(&text, "t.toml").unwrap_err();
    assert!(
        e.to_string().contains("duplicate indicator code \"A01\""),
        "{e}"
    );
}

#[test]
fn check_needs_exactly_one_expression() {
    let text = format!(
        "{ROSTER}[[checks]]\nid = \"X\"\nseverity = \"error\"\nassert = \"A01 > 0\"\nfail_if = \"A01 < 0\"\n"
    );
    let e = Config::parse(&text, "t.toml").unwrap_err();
    assert!(e.to_string().contains("exactly one"), "{e}");
}

#[test]
fn a_county_adds_its_own_rules_to_the_form() {
    let text = r#"county = "县"
[[townships]]
name = "甲镇"

[[more_checks]]
id = "K01"
severity = "warning"
fail_if = "C14 > C15"
message = "婚检人数 {C14} 超过结婚登记人数 {C15}"
"#;
    let c = Config::parse(text, "county.toml").expect("config");
    let builtin = Config::default_with("县", &["甲镇"]).expect("default");
    assert_eq!(c.checks.len(), builtin.checks.len() + 1);
    assert_eq!(c.checks.last().map(|k| k.id()), Some("K01"));
    // A mistake in the county's rule names the county's file and line.
    let bad = text.replace("C14 > C15", "C14 > Z99");
    let e = Config::parse(&bad, "county.toml").expect_err("unknown code");
    let shown = e.to_string();
    assert!(shown.starts_with("county.toml:8:"), "{shown}");
    assert!(shown.contains("Z99"), "{shown}");
}

#[test]
fn full_width_expressions_are_read_as_ascii() {
    let text = r#"county = "县"
[[townships]]
name = "甲镇"

[[more_checks]]
id = "K01"
severity = "warning"
assert = "Ｃ06 ≤ １．０５ ＊ Ｃ01"
message = "{C06} 超过 {C01} 的 105%"
"#;
    let c = Config::parse(text, "county.toml").expect("full-width accepted");
    let k = c.checks.last().expect("K01");
    let sql = c
        .expression(k.assert.as_ref().expect("assert").get_ref())
        .render(|_| None);
    assert_eq!(sql, r#""C06" <= 1.05 * "C01""#);
    let odd = text.replace("≤", "≦");
    let e = Config::parse(&odd, "county.toml").expect_err("odd symbol");
    assert!(
        e.to_string().starts_with("county.toml:8: more_checks")
            || e.to_string().starts_with("county.toml:8:"),
        "{e}"
    );
    assert!(
        e.to_string().contains("\"≦\" is not part of an expression"),
        "{e}"
    );
}

#[test]
fn a_placeholder_the_finding_cannot_fill_is_refused_at_load() {
    let text = r#"county = "县"
[[townships]]
name = "甲镇"

[[more_checks]]
id = "K01"
severity = "warning"
fail_if = "C14 > C15"
message = "婚检人数 {C14} 超过结婚登记人数 {C30}"
"#;
    let e = Config::parse(text, "county.toml").expect_err("{C30}");
    assert_eq!(
        e.to_string(),
        "county.toml:6: checks[22].message: placeholder {C30} names no value of the expression (its values: C14, C15)"
    );
}

#[test]
fn two_townships_with_one_code_are_refused() {
    let text = "county = \"县\"\n[[townships]]\nname = \"甲镇\"\ncode = \"01\"\n[[townships]]\nname = \"乙镇\"\ncode = \"01\"\n";
    let e = Config::parse(text, "c.toml").expect_err("duplicate code");
    assert_eq!(
        e.to_string(),
        "c.toml:6: townships[1].code: township code \"01\" is given twice"
    );
}

#[test]
fn configurations_saved_as_gbk_or_utf16_are_read() {
    let text = "county = \"安平县\"\n[[townships]]\nname = \"青石镇\"\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    assert_eq!(validate::decode(&gbk).as_deref(), Ok(text));
    let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    assert_eq!(validate::decode(&utf16).as_deref(), Ok(text));
    let bare16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    assert_eq!(validate::decode(&bare16).as_deref(), Ok(text));
    let bom8 = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    assert_eq!(validate::decode(&bom8).as_deref(), Ok(text));
    assert!(validate::decode(&[0x80, 0xFF, 0xFE, 0x81, 0x00, 0x9F]).is_err());
}
