//! Relevance pruning: which entities of a scenario can influence a reported output.
//!
//! A dependency analysis done once, before any run, on the scenario's structure (its
//! rivalries, their players, pacts, deployments, patrons and policies) and the requested
//! outputs. [`Relevance::of`] marks what must be simulated; [`prune`] returns the scenario
//! restricted to it, every index remapped. Since every process draws from its own stream
//! keyed by the entity's *id* (`model::streams`), the kept entities draw exactly the numbers
//! they draw in the full scenario, so the pruned scenario gives byte-identical outputs and an
//! entity with no path to any requested rivalry costs nothing at all (tests/relevance.rs).
//!
//! **The dependencies of the model** (docs/MODEL.md; each rule is a read in `model`):
//! - a requested rivalry reads the whole state of its challenger and its target: they are
//!   *core* countries;
//! - a core country's side reads its pact partners' and its stationed forces' contributors'
//!   own capability (`World::side`, `World::theatre`): every member of an alliance that
//!   holds a core country at any time (initially or through an enabled policy's `join`), and
//!   every contributor of a deployment hosted in a core country, is a *helper*. A helper's
//!   own state (GDP, capability, readiness) evolves from itself alone, so its own allies
//!   are not needed (no transitive closure through helpers);
//! - an alliance with collective procurement sets the procurement multiplier of each of its
//!   members: it is kept if it holds any relevant country (its other members are not needed);
//! - a crisis of any rivalry writes its players' state (reputation, and in a war the
//!   capability): every rivalry whose challenger or target is relevant is simulated, its
//!   players become core, to a fixed point;
//! - outside powers carry no random state and are always kept; policy changes are kept when
//!   the entity they address is kept, joins when both the alliance and the member are; a
//!   policy left with nothing is dropped;
//! - an alliance draws its per-run treaty weight on its own stream: a dropped alliance's draw
//!   is not made and changes nothing else;
//! - within a kept country, the model itself skips the processes nothing reads: a country's
//!   cohesion is drawn only if it is some rivalry's target, its narrative only if it is some
//!   challenger (`model::World::step`); each is its own stream, so this too changes no number.
//!
//! **Architecture Invariant:** [`prune`] preserves the relative order of every kept list, so
//! the model's sums over actors, alliances and deployments run over the same terms in the
//! same order (the floating-point results are the same bits).

use crate::scenario::params::{PoliticalParams, PowerParams};
use crate::scenario::{Actor, ParamRef, PolicyField, Scenario};

/// What a scenario's runs must simulate. Each vector is indexed like the scenario's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relevance {
    pub countries: Vec<bool>,
    /// Countries whose whole state and whose allies are read (players of a kept rivalry).
    pub core: Vec<bool>,
    pub rivalries: Vec<bool>,
    pub alliances: Vec<bool>,
    pub deployments: Vec<bool>,
    pub policies: Vec<bool>,
}

fn count(v: &[bool]) -> usize {
    v.iter().filter(|&&x| x).count()
}

impl Relevance {
    /// The entities of `s` that can influence the outputs of the rivalries marked in
    /// `requested` (indexed like `s.rivalries`; a shorter slice requests the rest too).
    pub fn of(s: &Scenario, requested: &[bool]) -> Self {
        let n_c = s.countries.len();
        let mut rivalries: Vec<bool> = (0..s.rivalries.len())
            .map(|r| requested.get(r).copied().unwrap_or(true))
            .collect();
        // Every alliance's members over the run: initial members and enabled joins.
        let mut members: Vec<Vec<Actor>> = s.alliances.iter().map(|a| a.members.clone()).collect();
        for p in s.policies.iter().filter(|p| p.enabled) {
            for &(a, m) in &p.joins {
                if !members[a].contains(&m) {
                    members[a].push(m);
                }
            }
        }
        let country = |a: &Actor| match *a {
            Actor::Country(i) => Some(i),
            Actor::Power(_) => None,
        };
        let mut core = vec![false; n_c];
        let mut relevant = vec![false; n_c];
        loop {
            for (ri, r) in s.rivalries.iter().enumerate() {
                if rivalries[ri] {
                    core[r.challenger] = true;
                    core[r.target] = true;
                }
            }
            relevant.copy_from_slice(&core);
            for m in &members {
                if m.iter().filter_map(country).any(|i| core[i]) {
                    for i in m.iter().filter_map(country) {
                        relevant[i] = true;
                    }
                }
            }
            for d in s.deployments.iter().filter(|d| core[d.host]) {
                for i in d.contributors.iter().filter_map(country) {
                    relevant[i] = true;
                }
            }
            let mut grew = false;
            for (ri, r) in s.rivalries.iter().enumerate() {
                if !rivalries[ri] && (relevant[r.challenger] || relevant[r.target]) {
                    rivalries[ri] = true;
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        let alliances = s
            .alliances
            .iter()
            .zip(&members)
            .map(|(a, m)| {
                let mut cs = m.iter().filter_map(country);
                if a.collective_procurement {
                    cs.any(|i| relevant[i])
                } else {
                    cs.any(|i| core[i])
                }
            })
            .collect::<Vec<_>>();
        let deployments = s.deployments.iter().map(|d| core[d.host]).collect();
        let mut r = Self {
            countries: relevant,
            core,
            rivalries,
            alliances,
            deployments,
            policies: Vec::new(),
        };
        r.policies = s
            .policies
            .iter()
            .map(|p| {
                p.changes.iter().any(|c| r.keeps(c.target))
                    || p.joins
                        .iter()
                        .any(|&(a, m)| r.alliances[a] && r.keeps_actor(m))
            })
            .collect();
        r
    }

    /// Everything in `s` requested (the engine's default: every rivalry is reported).
    pub fn all_outputs(s: &Scenario) -> Self {
        Self::of(s, &[])
    }

    fn keeps_actor(&self, a: Actor) -> bool {
        match a {
            Actor::Country(i) => self.countries[i],
            Actor::Power(_) => true,
        }
    }

    /// Whether the parameter `r` belongs to a kept entity.
    pub fn keeps(&self, r: ParamRef) -> bool {
        match r {
            ParamRef::Model(_) | ParamRef::Power { .. } => true,
            ParamRef::Military { country, .. }
            | ParamRef::Political { country, .. }
            | ParamRef::Economic { country, .. }
            | ParamRef::Tie { country, .. } => self.countries[country],
            ParamRef::Alliance { alliance, .. } => self.alliances[alliance],
            ParamRef::Deployment { deployment, .. } => self.deployments[deployment],
            ParamRef::Rivalry { rivalry, .. } => self.rivalries[rivalry],
            ParamRef::PolicyEnabled { policy } | ParamRef::PolicyValue { policy, .. } => {
                self.policies.get(policy) != Some(&false)
            }
        }
    }

    /// Whether the parameter `r` of `s` can change an output: [`Relevance::keeps`], narrowed
    /// to what the model reads of a kept entity. `varied`: the other parameters varied with it
    /// (a sweep's), which may link an entity (a varied tie links its power).
    /// - a country's cohesion (and its volatility) and reputation are read only when it is a
    ///   simulated rivalry's target, its narrative (and volatility) only when it is a
    ///   challenger (`model::World::step`, the crisis game): a pact partner's or a
    ///   contributor's are read by nothing;
    /// - an outside power is read only through a pact with a player (an alliance holding
    ///   both), a tie of a kept country to it, or a kept deployment it contributes to;
    /// - a policy's change matters when its target does; `policy.ID.enabled`, `start` and
    ///   `ramp_years` when one of its changes or joins does.
    ///
    /// A policy that starts after the horizon is the caller's to exclude (the horizon is a
    /// setting of the run, not of the structure).
    pub fn matters(&self, s: &Scenario, r: ParamRef, varied: &[ParamRef]) -> bool {
        if !self.keeps(r) {
            return false;
        }
        match r {
            ParamRef::PolicyValue {
                policy,
                field: PolicyField::Change { change, .. },
            } => s.policies[policy]
                .changes
                .get(change)
                .is_none_or(|c| self.reads(s, c.target, varied)),
            ParamRef::PolicyEnabled { policy } | ParamRef::PolicyValue { policy, .. } => {
                let p = &s.policies[policy];
                p.changes.iter().any(|c| self.reads(s, c.target, varied))
                    || p.joins
                        .iter()
                        .any(|&(a, m)| self.alliances[a] && self.keeps_actor(m))
            }
            _ => self.reads(s, r, varied),
        }
    }

    /// [`Relevance::matters`] for a parameter of an entity (not of a policy).
    fn reads(&self, s: &Scenario, r: ParamRef, varied: &[ParamRef]) -> bool {
        if !self.keeps(r) {
            return false;
        }
        match r {
            ParamRef::Political { country, field } => {
                let role = |player: fn(&crate::scenario::Rivalry) -> usize| {
                    s.rivalries
                        .iter()
                        .zip(&self.rivalries)
                        .any(|(v, &kept)| kept && player(v) == country)
                };
                match PoliticalParams::FIELDS.get(field).map(|f| f.key) {
                    Some("cohesion" | "cohesion_volatility" | "reputation") => role(|v| v.target),
                    Some("narrative" | "narrative_volatility") => role(|v| v.challenger),
                    _ => true,
                }
            }
            ParamRef::Power { power, field } => {
                // Varying what a tie carries makes the tie carry it.
                let carried = matches!(
                    PowerParams::FIELDS.get(field).map(|f| f.key),
                    Some("in_theatre" | "substitution")
                );
                let mut with = varied.to_vec();
                if carried {
                    with.push(r);
                }
                self.power_read(s, power, &with)
            }
            // A tie reaches its country through the power's forces in theatre and its trade
            // substitution: with neither, no value of the tie is read.
            ParamRef::Tie { power, .. } => tie_carries(s, power, varied),
            _ => true,
        }
    }

    /// Whether anything kept reads outside power `p` (see [`Relevance::matters`]).
    pub fn power_read(&self, s: &Scenario, p: usize, varied: &[ParamRef]) -> bool {
        let actor = Actor::Power(p);
        let enabled = || s.policies.iter().filter(|x| x.enabled);
        let allied = s.alliances.iter().enumerate().any(|(a, al)| {
            let mut members = al.members.clone();
            for x in enabled() {
                members.extend(x.joins.iter().filter(|j| j.0 == a).map(|j| j.1));
            }
            members.contains(&actor)
                && members
                    .iter()
                    .any(|m| matches!(*m, Actor::Country(i) if self.core[i]))
        });
        let contributes = s
            .deployments
            .iter()
            .zip(&self.deployments)
            .any(|(d, &kept)| kept && d.contributors.contains(&actor));
        let tie = |i: usize| ParamRef::Tie {
            country: i,
            power: p,
        };
        // A tie reads the power only when it carries something: forces in theatre or trade
        // substitution (a bare tie, with neither, is inert: `tie_carries`).
        let tied = tie_carries(s, p, varied)
            && (0..s.countries.len()).filter(|&i| self.countries[i]).any(|i| {
                s.countries[i].ties.get(p).is_some_and(|&t| t != 0.0)
                    || enabled().any(|x| x.changes.iter().any(|c| c.target == tie(i)))
                    || varied.contains(&tie(i))
            });
        allied || contributes || tied
    }

    /// Whether nothing is pruned.
    pub fn is_everything(&self) -> bool {
        [
            &self.countries,
            &self.rivalries,
            &self.alliances,
            &self.deployments,
            &self.policies,
        ]
        .iter()
        .all(|v| v.iter().all(|&x| x))
    }

    /// Counts of what is simulated, for `deter bench` and the report.
    pub fn summary(&self) -> Summary {
        Summary {
            countries: (count(&self.countries), self.countries.len()),
            rivalries: (count(&self.rivalries), self.rivalries.len()),
            alliances: (count(&self.alliances), self.alliances.len()),
            deployments: (count(&self.deployments), self.deployments.len()),
        }
    }
}

/// (simulated, in the scenario) per kind of entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub countries: (usize, usize),
    pub rivalries: (usize, usize),
    pub alliances: (usize, usize),
    pub deployments: (usize, usize),
}

impl std::fmt::Display for Summary {
    /// "simulating 2 of 7 countries, 1 of 1 rivalries, 0 of 1 alliances, 1 of 1 deployments".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (c, r, a, d) = (
            self.countries,
            self.rivalries,
            self.alliances,
            self.deployments,
        );
        write!(
            f,
            "simulating {} of {} countries, {} of {} rivalries, {} of {} alliances, {} of {} \
             deployments",
            c.0, c.1, r.0, r.1, a.0, a.1, d.0, d.1
        )
    }
}

/// New index of each kept element (`None`: dropped).
fn remap(keep: &[bool]) -> Vec<Option<usize>> {
    let mut next = 0;
    keep.iter()
        .map(|&k| {
            k.then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

fn kept<T: Clone>(items: &[T], keep: &[bool]) -> Vec<T> {
    items
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(x, _)| x.clone())
        .collect()
}

/// `s` restricted to what `rel` keeps, every index remapped, every kept list in its order.
pub fn restrict(s: &Scenario, rel: &Relevance) -> Scenario {
    let country = remap(&rel.countries);
    let alliance = remap(&rel.alliances);
    let deployment = remap(&rel.deployments);
    let rivalry = remap(&rel.rivalries);
    let policy = remap(&rel.policies);
    let actor = |a: Actor| match a {
        Actor::Country(i) => country[i].map(Actor::Country),
        Actor::Power(p) => Some(Actor::Power(p)),
    };
    let param = |r: ParamRef| -> Option<ParamRef> {
        Some(match r {
            ParamRef::Model(_) | ParamRef::Power { .. } => r,
            ParamRef::Military { country: c, field } => ParamRef::Military {
                country: country[c]?,
                field,
            },
            ParamRef::Political { country: c, field } => ParamRef::Political {
                country: country[c]?,
                field,
            },
            ParamRef::Economic { country: c, field } => ParamRef::Economic {
                country: country[c]?,
                field,
            },
            ParamRef::Tie { country: c, power } => ParamRef::Tie {
                country: country[c]?,
                power,
            },
            ParamRef::Alliance { alliance: a, field } => ParamRef::Alliance {
                alliance: alliance[a]?,
                field,
            },
            ParamRef::Deployment {
                deployment: d,
                field,
            } => ParamRef::Deployment {
                deployment: deployment[d]?,
                field,
            },
            ParamRef::Rivalry { rivalry: v, field } => ParamRef::Rivalry {
                rivalry: rivalry[v]?,
                field,
            },
            ParamRef::PolicyEnabled { policy: p } => ParamRef::PolicyEnabled { policy: policy[p]? },
            // Addresses a policy's own values; sweeps and overrides apply these to the full
            // scenario before it is compiled, so none reaches a restricted one.
            ParamRef::PolicyValue { policy: p, field } => ParamRef::PolicyValue {
                policy: policy[p]?,
                field,
            },
        })
    };
    let mut out = s.clone();
    out.countries = kept(&s.countries, &rel.countries);
    out.alliances = kept(&s.alliances, &rel.alliances);
    for a in &mut out.alliances {
        a.members = a.members.iter().filter_map(|&m| actor(m)).collect();
    }
    out.deployments = kept(&s.deployments, &rel.deployments);
    for d in &mut out.deployments {
        d.host = country[d.host].expect("a kept deployment's host is kept");
        d.contributors = d.contributors.iter().filter_map(|&m| actor(m)).collect();
    }
    out.rivalries = kept(&s.rivalries, &rel.rivalries);
    for r in &mut out.rivalries {
        r.challenger = country[r.challenger].expect("a kept rivalry's players are kept");
        r.target = country[r.target].expect("a kept rivalry's players are kept");
    }
    out.policies = kept(&s.policies, &rel.policies);
    for p in &mut out.policies {
        p.changes = p
            .changes
            .iter()
            .filter_map(|c| {
                param(c.target).map(|target| crate::scenario::PolicyChange {
                    target,
                    ..c.clone()
                })
            })
            .collect();
        p.joins = p
            .joins
            .iter()
            .filter_map(|&(a, m)| Some((alliance[a]?, actor(m)?)))
            .collect();
    }
    out
}

/// The scenario restricted to what can influence any of its rivalries' outputs, and what
/// was kept ([`Relevance::all_outputs`] then [`restrict`]).
pub fn prune(s: &Scenario) -> (Scenario, Summary) {
    let rel = Relevance::all_outputs(s);
    let summary = rel.summary();
    if rel.is_everything() {
        return (s.clone(), summary);
    }
    (restrict(s, &rel), summary)
}


/// Whether a tie to outside power `p` of `s` can carry anything to its country: the power's
/// forces in theatre (`in_theatre`, help in a crisis and in the balance) or its trade
/// substitution (`substitution`, sanctions), either above 0 at the start, changed by an
/// enabled policy, or among `varied` (a sweep's parameters). A tie to a power with neither is
/// inert: the runs are bit for bit those without it (tests/validation.rs,
/// `forces_in_theatre_lower_use_of_force_and_a_bare_tie_is_inert`).
pub fn tie_carries(s: &Scenario, p: usize, varied: &[ParamRef]) -> bool {
    let carried = |field: usize| {
        let r = ParamRef::Power { power: p, field };
        s.powers[p].params.get(field) != 0.0
            || varied.contains(&r)
            || s
                .policies
                .iter()
                .filter(|x| x.enabled)
                .any(|x| x.changes.iter().any(|c| c.target == r))
    };
    PowerParams::FIELDS
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.key, "in_theatre" | "substitution"))
        .any(|(i, _)| carried(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASELINE: &str = include_str!("../../scenarios/western-balkans-2024.toml");

    fn parse(src: &str) -> Scenario {
        crate::scenario::parse_str(src, "test.toml").expect("valid scenario")
    }

    fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
        items.iter().map(|x| id(x).to_string()).collect()
    }

    /// A small world: rivalry A -> B; B allied with C (pact); C allied with D in another
    /// pact; E hosts a deployment by F; G is alone; P is a power.
    fn world(extra: &str) -> Scenario {
        let country = |id: &str| {
            format!(
                "[[country]]\nid = \"{id}\"\nname = \"{id}\"\nstatus = \"none\"\n\
                 [country.military]\nbudget = 1.0\n[country.economic]\ngdp = 50.0\n\n"
            )
        };
        let mut src = String::from(
            "[scenario]\nname = \"t\"\nstart = \"2024-01\"\nhorizon_years = 2\n\n\
             [[power]]\nid = \"P\"\nname = \"P\"\ncapability = 100.0\n\n",
        );
        for c in ["A", "B", "C", "D", "E", "F", "G"] {
            src.push_str(&country(c));
        }
        src.push_str(
            "[[alliance]]\nid = \"BC\"\nmembers = [\"B\", \"C\"]\n\n\
             [[alliance]]\nid = \"CD\"\nmembers = [\"C\", \"D\"]\n\n\
             [[deployment]]\nid = \"FE\"\nhost = \"E\"\ncontributors = [\"F\", \"P\"]\ncapability = 1.0\n\n\
             [[rivalry]]\nchallenger = \"A\"\ntarget = \"B\"\n\n",
        );
        src.push_str(extra);
        parse(&src)
    }

    #[test]
    fn baseline_keeps_the_rivalry_players_and_kfor() {
        let s = parse(BASELINE);
        let rel = Relevance::all_outputs(&s);
        let sum = rel.summary();
        assert_eq!(sum.countries, (2, 7));
        assert_eq!(sum.rivalries, (1, 1));
        // Kosovo is not in NATO: the alliance holds no player, its draw is not needed.
        assert_eq!(sum.alliances, (0, 1));
        assert_eq!(sum.deployments, (1, 1));
        assert_eq!(
            sum.to_string(),
            "simulating 2 of 7 countries, 1 of 1 rivalries, 0 of 1 alliances, 1 of 1 deployments"
        );
        let (p, _) = prune(&s);
        assert_eq!(ids(&p.countries, |c| &c.id), ["SRB", "XKX"]);
        assert_eq!(p.rivalries[0].challenger, 0);
        assert_eq!(p.rivalries[0].target, 1);
        assert_eq!(p.deployments[0].host, 1);
        assert_eq!(p.powers, s.powers);
    }

    #[test]
    fn a_join_makes_the_alliance_and_its_members_relevant() {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join("kosovo-nato-path.toml");
        let s = crate::scenario::load_file(&file).expect("bundled scenario");
        let rel = Relevance::all_outputs(&s);
        let (p, sum) = prune(&s);
        // Kosovo joins NATO: Albania, North Macedonia, Montenegro and Croatia are its pact
        // partners from then on; Bosnia and Herzegovina is in no pact with either player.
        assert_eq!(
            ids(&p.countries, |c| &c.id),
            ["SRB", "XKX", "ALB", "MKD", "MNE", "HRV"]
        );
        assert!(!rel.countries[s.country_index("BIH").unwrap()]);
        assert_eq!(sum.alliances, (1, 1));
        let nato = &p.alliances[0];
        assert_eq!(nato.members.len(), s.alliances[0].members.len());
        // The join is remapped to the kept alliance and Kosovo's new index.
        let joins: Vec<_> = p.policies.iter().flat_map(|x| x.joins.clone()).collect();
        assert_eq!(joins, [(0, Actor::Country(1))]);
    }

    #[test]
    fn helpers_are_not_followed_through_their_own_allies() {
        let s = world("");
        let (p, sum) = prune(&s);
        // B's pact partner C is read; C's partner D is not; E and F are not (E is no player).
        assert_eq!(ids(&p.countries, |c| &c.id), ["A", "B", "C"]);
        assert_eq!(ids(&p.alliances, |a| &a.id), ["BC"]);
        assert!(p.deployments.is_empty());
        assert_eq!(sum.deployments, (0, 1));
    }

    #[test]
    fn a_deployment_in_a_player_makes_its_contributors_relevant() {
        let s = world("[[rivalry]]\nchallenger = \"G\"\ntarget = \"E\"\n");
        let (p, _) = prune(&s);
        assert_eq!(ids(&p.countries, |c| &c.id), ["A", "B", "C", "E", "F", "G"]);
        let d = &p.deployments[0];
        assert_eq!(p.countries[d.host].id, "E");
        assert_eq!(d.contributors, [Actor::Country(4), Actor::Power(0)]);
        assert_eq!(p.rivalries[1].challenger, 5);
    }

    #[test]
    fn a_rivalry_of_a_helper_is_simulated_and_its_players_become_core() {
        // C (B's ally) is challenged by G: that rivalry's crises write C's state.
        let s = world("[[rivalry]]\nchallenger = \"G\"\ntarget = \"C\"\n");
        let rel = Relevance::of(&s, &[true, false]);
        assert_eq!(rel.rivalries, [true, true]);
        let (p, _) = prune(&s);
        // C is now core, so its pact partner D is read too.
        assert_eq!(ids(&p.countries, |c| &c.id), ["A", "B", "C", "D", "G"]);
        assert_eq!(ids(&p.alliances, |a| &a.id), ["BC", "CD"]);
    }

    #[test]
    fn collective_procurement_keeps_the_alliance_not_its_other_members() {
        let s = world(
            "[[alliance]]\nid = \"CG\"\nmembers = [\"C\", \"G\"]\ncollective_procurement = true\n",
        );
        let (p, _) = prune(&s);
        assert_eq!(ids(&p.countries, |c| &c.id), ["A", "B", "C"]);
        assert_eq!(ids(&p.alliances, |a| &a.id), ["BC", "CG"]);
        assert_eq!(p.alliances[1].members, [Actor::Country(2)]);
    }

    #[test]
    fn an_unconnected_country_leaves_the_pruned_scenario_unchanged() {
        let a = world("");
        let mut b = world("");
        let mut lone = b.countries[6].clone();
        lone.id = "ISL".into();
        b.countries.insert(0, lone);
        for r in &mut b.rivalries {
            r.challenger += 1;
            r.target += 1;
        }
        for al in &mut b.alliances {
            for m in &mut al.members {
                if let Actor::Country(i) = m {
                    *i += 1;
                }
            }
        }
        for d in &mut b.deployments {
            d.host += 1;
            for m in &mut d.contributors {
                if let Actor::Country(i) = m {
                    *i += 1;
                }
            }
        }
        assert_eq!(prune(&a).0, prune(&b).0);
        assert_eq!(prune(&b).1.countries, (3, 8));
    }

    #[test]
    fn policy_changes_follow_their_entity_and_resolve_to_the_same_path() {
        let s = world(
            "[[policy]]\nid = \"mixed\"\nstart = \"2024-06\"\n\
             changes = [\n  { path = \"country.G.military.budget\", scale = 2.0 },\n  \
             { path = \"country.C.military.budget\", scale = 2.0 },\n  \
             { path = \"alliance.CD.reliability\", set = 0.5 },\n]\n\n\
             [[policy]]\nid = \"elsewhere\"\nstart = \"2024-06\"\n\
             changes = [{ path = \"country.D.political.cohesion\", add = 0.1 }]\n",
        );
        let rel = Relevance::all_outputs(&s);
        assert_eq!(rel.policies, [true, false]);
        let (p, _) = prune(&s);
        assert_eq!(p.policies.len(), 1);
        let changes = &p.policies[0].changes;
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "country.C.military.budget");
        // The remapped reference is the one the path resolves to in the pruned scenario.
        assert_eq!(
            ParamRef::resolve(&changes[0].path, &p),
            Ok(changes[0].target)
        );
    }

    #[test]
    fn requesting_every_rivalry_of_a_connected_scenario_prunes_nothing() {
        let s = world(
            "[[rivalry]]\nchallenger = \"D\"\ntarget = \"E\"\n\n\
             [[rivalry]]\nchallenger = \"G\"\ntarget = \"F\"\n",
        );
        let rel = Relevance::all_outputs(&s);
        assert!(rel.is_everything(), "{rel:?}");
        assert_eq!(prune(&s).0, s);
    }
}
