//! What scenario B changes relative to scenario A, computed from the two validated scenarios
//! (after `extends` and `--set`): every parameter whose value differs, entities and policies
//! present on one side only, and alliance or deployment membership that differs. Used by
//! `deter compare` (JSON `changes`, the table and the HTML report).

use serde::Serialize;

use super::{ChangeOp, ParamRef, Policy, Scenario};

/// One difference between A and B.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// A parameter path (docs/SCENARIO.md), or an entity (`policy.ID`, `alliance.ID`,
    /// `country.ID`, ...), one of its labels (`country.ID.name`, `country.ID.status`,
    /// `deployment.ID.host`, `rivalry.ID.challenger`, `scenario.currency`, ...) or its
    /// membership (`alliance.ID.members`).
    pub what: String,
    /// Under A: the value (a number for a parameter), a description, or null when absent.
    pub a: serde_json::Value,
    /// Under B, likewise.
    pub b: serde_json::Value,
}

fn text(s: String) -> serde_json::Value {
    serde_json::Value::String(s)
}

fn number(x: f64) -> serde_json::Value {
    serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// A policy in words: name, start (and ramp), whether enabled, what it changes.
pub fn describe_policy(s: &Scenario, p: &Policy) -> String {
    let mut parts: Vec<String> = p
        .changes
        .iter()
        .map(|c| {
            let op = match c.op {
                ChangeOp::Set(v) => format!("= {v}"),
                ChangeOp::Add(v) => format!("+= {v}"),
                ChangeOp::Scale(v) => format!("*= {v}"),
            };
            format!("{} {op}", c.path)
        })
        .collect();
    parts.extend(
        p.joins
            .iter()
            .map(|&(a, m)| format!("{} joins {}", s.actor_id(m), s.alliances[a].id)),
    );
    let ramp = if p.ramp_years > 0.0 {
        let unit = if p.ramp_years == 1.0 { "year" } else { "years" };
        format!(" over {} {unit}", p.ramp_years)
    } else {
        String::new()
    };
    format!(
        "{} (from {}{ramp}{}): {}",
        p.name,
        p.start,
        if p.enabled { "" } else { ", disabled" },
        if parts.is_empty() {
            "no changes".to_string()
        } else {
            parts.join("; ")
        }
    )
}

/// The entities of a scenario as (`kind.ID`, description).
fn entities(s: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    out.extend(
        s.countries
            .iter()
            .map(|c| (format!("country.{}", c.id), c.name.clone())),
    );
    out.extend(
        s.powers
            .iter()
            .map(|p| (format!("power.{}", p.id), p.name.clone())),
    );
    out.extend(s.alliances.iter().map(|a| {
        let members: Vec<&str> = a.members.iter().map(|&m| s.actor_id(m)).collect();
        (
            format!("alliance.{}", a.id),
            format!("{} ({})", a.name, members.join(", ")),
        )
    }));
    out.extend(s.deployments.iter().map(|d| {
        (
            format!("deployment.{}", d.id),
            format!("{} in {}", d.name, s.countries[d.host].id),
        )
    }));
    out.extend(s.rivalries.iter().map(|r| {
        (
            format!("rivalry.{}", r.id),
            format!(
                "{} -> {}",
                s.countries[r.challenger].id, s.countries[r.target].id
            ),
        )
    }));
    out.extend(
        s.policies
            .iter()
            .map(|p| (format!("policy.{}", p.id), describe_policy(s, p))),
    );
    out
}

/// Members of every alliance and contributors of every deployment, by id, sorted.
fn memberships(s: &Scenario) -> Vec<(String, String)> {
    let ids = |list: &[super::Actor]| {
        let mut v: Vec<&str> = list.iter().map(|&m| s.actor_id(m)).collect();
        v.sort_unstable();
        v.join(", ")
    };
    s.alliances
        .iter()
        .map(|a| (format!("alliance.{}.members", a.id), ids(&a.members)))
        .chain(s.deployments.iter().map(|d| {
            (
                format!("deployment.{}.contributors", d.id),
                ids(&d.contributors),
            )
        }))
        .collect()
}

/// What an entity is besides its parameters, as (`kind.ID.key`, text): names, a country's
/// status, a deployment's host, a rivalry's sides, and the file's currency unit.
fn labels(s: &Scenario) -> Vec<(String, String)> {
    let mut out = vec![("scenario.currency".to_string(), s.meta.currency.clone())];
    for c in &s.countries {
        out.push((format!("country.{}.name", c.id), c.name.clone()));
        out.push((format!("country.{}.status", c.id), c.status.as_str().into()));
    }
    for p in &s.powers {
        out.push((format!("power.{}.name", p.id), p.name.clone()));
    }
    for a in &s.alliances {
        out.push((format!("alliance.{}.name", a.id), a.name.clone()));
    }
    for d in &s.deployments {
        out.push((format!("deployment.{}.name", d.id), d.name.clone()));
        out.push((
            format!("deployment.{}.host", d.id),
            s.countries[d.host].id.clone(),
        ));
    }
    for r in &s.rivalries {
        out.push((
            format!("rivalry.{}.challenger", r.id),
            s.countries[r.challenger].id.clone(),
        ));
        out.push((
            format!("rivalry.{}.target", r.id),
            s.countries[r.target].id.clone(),
        ));
    }
    for p in &s.policies {
        out.push((format!("policy.{}.name", p.id), p.name.clone()));
    }
    out
}

/// Every difference of B from A, in a stable order: the start date and horizon, entities
/// only in A, entities only in B, names and other labels, membership, then parameters in A's
/// path order (paths of entities present on one side only are left out: the entity line
/// covers them, and so are values derived on both sides from inputs that are listed).
pub fn differences(a: &Scenario, b: &Scenario) -> Vec<Change> {
    let mut out = Vec::new();
    if a.meta.start != b.meta.start {
        out.push(Change {
            what: "scenario.start".into(),
            a: text(a.meta.start.to_string()),
            b: text(b.meta.start.to_string()),
        });
    }
    if a.meta.horizon_years != b.meta.horizon_years {
        out.push(Change {
            what: "scenario.horizon_years".into(),
            a: a.meta.horizon_years.into(),
            b: b.meta.horizon_years.into(),
        });
    }
    let (ea, eb) = (entities(a), entities(b));
    let in_list = |list: &[(String, String)], k: &str| list.iter().any(|(x, _)| x == k);
    for (k, d) in &ea {
        if !in_list(&eb, k) {
            out.push(Change {
                what: k.clone(),
                a: text(d.clone()),
                b: serde_json::Value::Null,
            });
        }
    }
    for (k, d) in &eb {
        if !in_list(&ea, k) {
            out.push(Change {
                what: k.clone(),
                a: serde_json::Value::Null,
                b: text(d.clone()),
            });
        }
    }
    // Policies in both whose changes differ in kind (values are compared as parameters).
    for pa in &a.policies {
        if let Some(pb) = b.policies.iter().find(|p| p.id == pa.id) {
            let shape = |s: &Scenario, p: &Policy| {
                let mut v: Vec<String> = p.changes.iter().map(|c| c.path.clone()).collect();
                v.extend(
                    p.joins
                        .iter()
                        .map(|&(al, m)| format!("{}>{}", s.actor_id(m), s.alliances[al].id)),
                );
                v
            };
            if shape(a, pa) != shape(b, pb) {
                out.push(Change {
                    what: format!("policy.{}", pa.id),
                    a: text(describe_policy(a, pa)),
                    b: text(describe_policy(b, pb)),
                });
            }
        }
    }
    // Names, status, hosts and sides, then members and contributors, of entities on both
    // sides.
    let described = |s: &Scenario| {
        let mut v = labels(s);
        v.extend(memberships(s));
        v
    };
    let lb = described(b);
    for (k, la) in described(a) {
        if let Some((_, l)) = lb.iter().find(|(x, _)| *x == k)
            && *l != la
        {
            out.push(Change {
                what: k,
                a: text(la),
                b: text(l.clone()),
            });
        }
    }
    // A policy change's magnitude has two paths, `changes[K].OP` and its `name`: said once.
    let mut seen: std::collections::HashSet<ParamRef> = std::collections::HashSet::new();
    for path in a.all_paths() {
        let (Ok(ra), Ok(rb)) = (ParamRef::resolve(&path, a), ParamRef::resolve(&path, b)) else {
            continue;
        };
        if !seen.insert(ra) {
            continue;
        }
        // A value derived on both sides moves with its inputs, which are listed.
        if a.derived_here(ra) && b.derived_here(rb) {
            continue;
        }
        let (va, vb) = (a.get(ra), b.get(rb));
        if va.to_bits() != vb.to_bits() && !(va.is_nan() && vb.is_nan()) {
            out.push(Change {
                what: path,
                a: number(va),
                b: number(vb),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(p: &str) -> Scenario {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        super::super::load_file(&root.join(p)).unwrap()
    }

    #[test]
    fn a_scenario_against_itself_changes_nothing() {
        let a = load("scenarios/western-balkans-2024.toml");
        assert!(differences(&a, &a).is_empty());
    }

    #[test]
    fn one_set_parameter_is_the_one_difference() {
        let a = load("scenarios/western-balkans-2024.toml");
        let mut b = a.clone();
        let r = ParamRef::resolve("rivalry.SRB-XKX.monitoring", &b).unwrap();
        let before = b.get(r);
        b.set(r, 0.93).unwrap();
        let d = differences(&a, &b);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].what, "rivalry.SRB-XKX.monitoring");
        assert_eq!(d[0].a, number(before));
        assert_eq!(d[0].b, number(0.93));
    }

    #[test]
    fn a_budget_is_listed_without_the_values_derived_from_it() {
        let a = load("scenarios/western-balkans-2024.toml");
        let mut b = a.clone();
        let r = ParamRef::resolve("country.SRB.military.budget", &b).unwrap();
        b.set(r, 2.5 * b.get(r)).unwrap();
        // The derived share and capability did move, and are not listed.
        for derived in ["budget_share", "capability"] {
            let d = ParamRef::resolve(&format!("country.SRB.military.{derived}"), &a).unwrap();
            assert_ne!(a.get(d), b.get(d), "{derived}");
        }
        let d = differences(&a, &b);
        let what: Vec<&str> = d.iter().map(|c| c.what.as_str()).collect();
        assert_eq!(what, ["country.SRB.military.budget"]);
        // Given on one side, a capability is listed beside the budget.
        let cap = ParamRef::resolve("country.SRB.military.capability", &b).unwrap();
        b.set(cap, 3.0 * b.get(cap)).unwrap();
        let d = differences(&a, &b);
        let what: Vec<&str> = d.iter().map(|c| c.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "country.SRB.military.budget",
                "country.SRB.military.capability"
            ]
        );
    }

    #[test]
    fn a_renamed_entity_a_moved_deployment_and_a_new_status_are_listed() {
        let a = load("scenarios/western-balkans-2024.toml");
        let mut b = a.clone();
        b.countries[0].name = "Renamed".into();
        b.countries[1].status = if a.countries[1].status == super::super::Status::None {
            super::super::Status::NatoMember
        } else {
            super::super::Status::None
        };
        let d = differences(&a, &b);
        let what: Vec<&str> = d.iter().map(|c| c.what.as_str()).collect();
        let (c0, c1) = (&a.countries[0].id, &a.countries[1].id);
        assert_eq!(
            what,
            [format!("country.{c0}.name"), format!("country.{c1}.status")],
            "{d:?}"
        );
        assert_eq!(d[0].b, text("Renamed".into()));
        let mut b = a.clone();
        let Some(dep) = b.deployments.first_mut() else {
            panic!("the baseline has a deployment")
        };
        dep.host = (dep.host + 1) % a.countries.len();
        let d = differences(&a, &b);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].what, format!("deployment.{}.host", a.deployments[0].id));
    }

    #[test]
    fn a_policy_only_in_b_is_named_with_what_it_does() {
        let mut a = load("scenarios/western-balkans-2024.toml");
        let b = a.clone();
        let Some(p) = a.policies.pop() else { return };
        let d = differences(&a, &b);
        let c = d
            .iter()
            .find(|c| c.what == format!("policy.{}", p.id))
            .unwrap_or_else(|| panic!("{d:?}"));
        assert!(c.a.is_null());
        assert!(c.b.as_str().unwrap().starts_with(&p.name), "{c:?}");
    }
}
