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
