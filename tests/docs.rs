//! Documentation stays true: docs/SCENARIO.md carries the generated parameter reference.
//! Regenerate with: UPDATE_DOCS=1 cargo test --release --test docs

const BEGIN: &str = "<!-- BEGIN GENERATED: deter::scenario::markdown_reference() -->\n";
const END: &str = "<!-- END GENERATED -->";

#[test]
fn scenario_md_matches_the_parameter_specs() {
    let path = "docs/SCENARIO.md";
    let doc = std::fs::read_to_string(path).expect("docs/SCENARIO.md exists");
    let start = doc.find(BEGIN).expect("begin marker") + BEGIN.len();
    let end = doc.find(END).expect("end marker");
    let generated = deter::scenario::markdown_reference();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &doc[..start], generated, &doc[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert_eq!(
        &doc[start..end],
        generated,
        "docs/SCENARIO.md is stale: run UPDATE_DOCS=1 cargo test --release --test docs"
    );
}

#[test]
fn every_table_key_is_documented() {
    let doc = std::fs::read_to_string("docs/SCENARIO.md").unwrap();
    for key in [
        "extends",
        "name",
        "description",
        "start",
        "horizon_years",
        "runs",
        "seed",
        "currency",
        "id",
        "status",
        "ties",
        "members",
        "collective_procurement",
        "host",
        "contributors",
        "challenger",
        "target",
        "enabled",
        "ramp_years",
        "changes",
        "join",
        "path",
        "set",
        "add",
        "scale",
        "alliance",
        "member",
    ] {
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/SCENARIO.md does not document `{key}`"
        );
    }
}

const MODEL_BEGIN: &str = "<!-- BEGIN GENERATED: parameter tables (tests/docs.rs) -->\n";
const MODEL_END: &str = "<!-- END GENERATED: parameter tables -->";
const NO_SOURCE: &str = "**source missing: add one in docs/MODEL.md**";

/// docs/MODEL.md section 2.1: every parameter of src/scenario/params.rs with its unit,
/// default, range and meaning (generated), and its source (kept in the doc: the cell of the
/// row with the same table and key). Regenerate with
/// `UPDATE_DOCS=1 cargo test --release --test docs`; a new parameter then gets a placeholder
/// source that fails this test until it is replaced.
#[test]
fn model_md_parameter_tables_match_the_parameter_specs() {
    use deter::scenario::ParamDefault;
    use deter::scenario::params::BLOCKS;
    let path = "docs/MODEL.md";
    let doc = std::fs::read_to_string(path).expect("docs/MODEL.md exists");
    let start = doc.find(MODEL_BEGIN).expect("begin marker") + MODEL_BEGIN.len();
    let end = doc.find(MODEL_END).expect("end marker");
    // Sources in the doc, by (table heading, key).
    let mut sources = std::collections::HashMap::new();
    let mut heading = String::new();
    for line in doc[start..end].lines() {
        if let Some(h) = line.strip_prefix("#### ") {
            heading = h.split(" (").next().unwrap_or(h).to_string();
        } else if let Some(row) = line.strip_prefix("| `") {
            let key = row.split('`').next().unwrap_or("").to_string();
            let source = line.trim_end_matches('|').rsplit('|').next().unwrap_or("");
            sources.insert((heading.clone(), key), source.trim().to_string());
        }
    }
    let bound = |x: f64| {
        if x.abs() >= 1e5 && x.fract() == 0.0 {
            format!("{x:e}")
        } else {
            format!("{x}")
        }
    };
    let mut out = String::new();
    for (block, fields) in BLOCKS {
        let (table, at) = match *block {
            "model" => (
                "`[model]`".to_string(),
                "global priors; path `model.KEY`".to_string(),
            ),
            b if b.starts_with("country.") => (
                format!("`[{b}]`"),
                format!("path `country.ID.{}.KEY`", &b["country.".len()..]),
            ),
            b => (format!("`[[{b}]]`"), format!("path `{b}.ID.KEY`")),
        };
        out += &format!("#### {table} ({at})\n\n");
        out += "| key | unit | default | range | meaning | source |\n";
        out += "|---|---|---|---|---|---|\n";
        for f in *fields {
            let default = match f.default {
                ParamDefault::Required => "required".to_string(),
                ParamDefault::Value(v) => format!("{v}"),
                ParamDefault::Derived(how) => format!("`{how}`"),
            };
            let unit = if f.unit.is_empty() { "-" } else { f.unit };
            let source = sources
                .get(&(table.clone(), f.key.to_string()))
                .filter(|s| !s.is_empty())
                .cloned()
                .unwrap_or_else(|| NO_SOURCE.to_string());
            out += &format!(
                "| `{}` | {} | {} | [{}, {}] | {} | {} |\n",
                f.key,
                unit,
                default,
                bound(f.min),
                bound(f.max),
                f.doc.trim(),
                source
            );
        }
        out += "\n";
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &doc[..start], out, &doc[end..]);
        std::fs::write(path, updated).unwrap();
    } else {
        assert_eq!(
            &doc[start..end],
            out,
            "docs/MODEL.md section 2.1 is stale: run UPDATE_DOCS=1 cargo test --release --test docs"
        );
    }
    let missing: Vec<&str> = out
        .lines()
        .filter(|l| l.ends_with(&format!("{NO_SOURCE} |")))
        .filter_map(|l| l.split('`').nth(1))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/MODEL.md section 2.1: parameters without a source (write one in the last column): {missing:?}"
    );
}

/// README.md's "Using it" block gives one usage line per command; each names every flag that
/// `deter COMMAND --help` lists (a reader who knows only the README sees every option exists).
/// It left out `deter bench --seed`, `--sweep-points` and `--runs-per-point`, `deter init
/// --force`, every flag of `deter discover` but two, and `--quiet` of four commands.
#[test]
fn the_readme_usage_lines_name_every_flag_of_each_command() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let using = &readme[readme.find("## Using it").expect("a Using it section")..];
    let block = &using[using.find("```sh\n").unwrap() + 6..];
    let block = &block[..block.find("```").unwrap()];
    let mut checked = 0;
    for line in block.lines() {
        let Some(rest) = line.strip_prefix("deter ") else {
            continue;
        };
        let command = rest.split_whitespace().next().unwrap();
        if command.starts_with('-') {
            continue;
        }
        // The usage itself, not the comment after it.
        let usage = line.split("   #").next().unwrap();
        let help = std::process::Command::new(env!("CARGO_BIN_EXE_deter"))
            .args([command, "--help"])
            .output()
            .unwrap();
        assert!(help.status.success(), "deter {command} --help");
        let help = String::from_utf8(help.stdout).unwrap();
        // Option definitions: "  --flag" or "  -q, --flag" at the start of a help line (a
        // wrapped description is indented further).
        for l in help.lines() {
            let def = l.strip_prefix("      --").or_else(|| {
                l.strip_prefix("  -")
                    .and_then(|x| x.split_once(", --").map(|p| p.1))
            });
            let Some(def) = def else { continue };
            let flag = def
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .next()
                .unwrap();
            if flag == "help" {
                continue;
            }
            let named = usage.match_indices(&format!("--{flag}")).any(|(i, m)| {
                !usage[i + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
            });
            assert!(
                named,
                "README.md's `deter {command}` line lacks --{flag}:\n{usage}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked} usage lines found");
}

/// docs/POLICY-BRIEF.md section 3's table under the posterior has a use-of-force and a war
/// column, each with "helps in" and sometimes "higher in": its prose said the other draws
/// were ties "in which war never happens" before the table and "in which the challenger never
/// uses force" after it (the generator's text). Both places now name both outcomes, and the
/// prose before the table no longer calls every other draw a tie while the table gives draws
/// in which a proposal raises the risk.
#[test]
fn the_policy_briefs_posterior_prose_names_the_ties_of_both_columns() {
    let doc = std::fs::read_to_string("docs/POLICY-BRIEF.md").unwrap();
    let start = doc.find("### Under parameter uncertainty").unwrap();
    let section = &doc[start..];
    let gen_at = section.find("<!-- [[[cog").unwrap();
    let out_at = section.find("]]] -->").unwrap();
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (before, generator) = (flat(&section[..gen_at]), flat(&section[gen_at..out_at]));
    assert!(
        section[out_at..].contains("| war (baseline"),
        "the war column"
    );
    assert!(
        section[out_at..].contains("(higher in "),
        "draws that raise the risk"
    );
    for (name, text) in [("before the table", &before), ("generator", &generator)] {
        assert!(text.contains("never uses force"), "{name}: {text}");
        assert!(text.contains("war never happens"), "{name}: {text}");
    }
    assert!(before.contains("\"higher in\""), "{before}");
}
