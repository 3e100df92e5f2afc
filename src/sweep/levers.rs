//! Levers x futures: a set of policies crossed with futures, on common random numbers.
//!
//! A sweep with `[[policy]]` tables evaluates every policy in every future of its design
//! (the design's parameters are the uncertainties). Point `k` is future `f = k % F` under
//! policy `p = k / F` (F futures), so the rows come policy by policy. Run `i` of point
//! `(p, f)` draws from stream `f * runs + i`: every policy meets the same futures **and**
//! the same random streams in each future (common random numbers, as `deter compare`), while
//! different futures stay independent samples. The robustness table over futures
//! ([`crate::rdm::robust`]) compares policies within each future, which is what the pairing
//! makes precise.
//!
//! Sources: Lempert, Popper & Bankes (2003), RAND MR-1626, ch. 5 (policies crossed with an
//! ensemble of futures); Kwakkel (2017), Environmental Modelling & Software 96 (the EMA
//! Workbench's `perform_experiments(policies, scenarios)`).

use toml::de::DeTable;

use crate::scenario::input::{Input, Val, lookup};
use crate::scenario::{ParamRef, Scenario};

use super::spec::{DesignKind, Sweep};

/// One policy of a levers x futures sweep: a scenario to run the futures on.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyOption {
    /// Its id in the results (`policy` column).
    pub id: String,
    /// The overlay file it came from (relative to the sweep file), if any.
    pub file: Option<String>,
    /// (path, value) lever settings applied on top of the base or overlay.
    pub settings: Vec<(String, f64)>,
    /// The validated scenario with the settings applied.
    pub scenario: Scenario,
    /// The sweep's parameters resolved against `scenario` (an overlay may number its
    /// entities differently from the base).
    pub targets: Vec<ParamRef>,
}

/// The policies of a levers x futures sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    pub policies: Vec<PolicyOption>,
    /// Futures per policy: the number of points of the design proper.
    pub futures: u64,
    /// (outcome, value): report the share of futures meeting it (`satisficing`).
    pub thresholds: Vec<(String, f64)>,
}

impl Sweep {
    /// Number of policies crossed with the futures (1 for an ordinary sweep).
    pub fn policy_count(&self) -> u64 {
        self.crossing
            .as_ref()
            .map_or(1, |c| c.policies.len() as u64)
    }

    /// The policy and future of point `k`, if the sweep has policies.
    pub fn policy_of(&self, k: u64) -> Option<(&PolicyOption, u64)> {
        let c = self.crossing.as_ref()?;
        let f = c.futures.max(1);
        c.policies.get((k / f) as usize).map(|p| (p, k % f))
    }

    /// The scenario point `k` varies and the paths it sets (base, or the point's policy).
    pub fn scenario_of(&self, k: u64) -> (&Scenario, Vec<ParamRef>) {
        match self.policy_of(k) {
            Some((p, _)) => (&p.scenario, p.targets.clone()),
            None => (
                &self.base,
                self.parameters.iter().map(|p| p.target).collect(),
            ),
        }
    }

    /// The first random stream of point `k`'s runs, `stride` runs per point: `f * stride`
    /// for future f with policies (common random numbers across policies), 0 with
    /// `common_random_numbers`, `k * stride` otherwise.
    pub fn stream_offset(&self, k: u64, stride: u64) -> u64 {
        if let Some((_, f)) = self.policy_of(k) {
            f * stride
        } else if self.common_random_numbers {
            0
        } else {
            k * stride
        }
    }
}

/// Keys of a `[[policy]]` table in a sweep file.
pub const POLICY_KEYS: [&str; 4] = ["id", "file", "set", "description"];

/// What the levers x futures reader needs from the rest of the sweep file.
pub(crate) struct Context<'s> {
    /// The directory the sweep file is in (policy files are relative to it).
    pub dir: &'s std::path::Path,
    pub base: &'s Scenario,
    pub parameters: &'s [super::spec::Parameter],
    pub design: super::spec::DesignKind,
    /// Points of the design proper: the futures.
    pub futures: u64,
}

/// Read `[[policy]]` and `satisficing` of a sweep file (None without policies). Problems
/// are recorded in `inp` at their line and column.
pub(crate) fn read(inp: &mut Input<'_>, root: &DeTable<'_>, cx: &Context<'_>) -> Option<Crossing> {
    let entries = inp.entries(root, "policy");
    let satisficing_v = lookup(root, "satisficing");
    if entries.is_empty() {
        if let Some(v) = satisficing_v {
            inp.error(
                v.span(),
                "satisficing",
                "`satisficing` applies to a levers x futures sweep, which needs [[policy]] tables"
                    .into(),
            );
        }
        return None;
    }
    // Only designs of futures: a point per future.
    if !matches!(
        cx.design,
        DesignKind::Grid
            | DesignKind::Random
            | DesignKind::Lhs
            | DesignKind::Sobol
            | DesignKind::Draws
    ) {
        let span = lookup(root, "design").map_or(0..0, |v| v.span());
        inp.error(
            span,
            "design",
            format!(
                "a levers x futures sweep draws its futures with grid, random, lhs or sobol, \
                 not `{}`",
                cx.design.as_str()
            ),
        );
    }
    if let Some(v) = lookup(root, "common_random_numbers")
        && v.get_ref().as_bool() == Some(false)
    {
        inp.error(
            v.span(),
            "common_random_numbers",
            "a levers x futures sweep always runs every policy on the same random streams \
                 in each future"
                .into(),
        )
        .help = Some("remove the key".into());
    }
    // The parameters are the futures' uncertainties.
    if let Some(items) = lookup(root, "parameter").and_then(|v| v.get_ref().as_array()) {
        for (i, p) in cx.parameters.iter().enumerate() {
            if p.role == super::spec::Role::Lever {
                let span = items
                    .get(i)
                    .and_then(|t| t.get_ref().as_table())
                    .and_then(|t| lookup(t, "role"))
                    .map_or(0..0, |v| v.span());
                inp.error(
                    span,
                    &format!("parameter[{i}].role"),
                    "in a levers x futures sweep the [[parameter]] tables are the futures' \
                     uncertainties"
                        .into(),
                )
                .help = Some(
                    "set levers per policy: a [[policy]] with `file` or `set = { \"PATH\" = \
                     VALUE }`"
                        .into(),
                );
            }
        }
    }
    let thresholds = satisficing_v.map_or_else(Vec::new, |v| satisficing(inp, v));
    let mut seen: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut policies = Vec::new();
    for (i, t, span) in entries {
        let at = format!("policy[{i}]");
        inp.check_keys(t, &at, &POLICY_KEYS);
        if let Some(v) = lookup(t, "description") {
            inp.prose(v, &format!("{at}.description"));
        }
        let Some(id_v) = lookup(t, "id") else {
            inp.error(
                span,
                &format!("{at}.id"),
                "missing required key `id`".into(),
            )
            .help = Some("a short name for the results, e.g. `id = \"envoy\"`".into());
            continue;
        };
        let Some(id) = inp.string(id_v, &format!("{at}.id")) else {
            continue;
        };
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            inp.error(
                id_v.span(),
                &format!("{at}.id"),
                format!("`{id}`: expected letters, digits, `-`, `_` or `.`"),
            );
            continue;
        }
        // Written into the results' `policy` column: `NA` read as missing there.
        if !inp.not_missing(id_v, &format!("{at}.id"), &id) {
            continue;
        }
        if !inp.check_duplicate(&mut seen, &id, id_v.span(), &format!("{at}.id"), |line| {
            format!("policy `{id}` is defined twice (first on line {line})")
        }) {
            continue;
        }
        let (file, mut scenario) = match lookup(t, "file") {
            None => (None, cx.base.clone()),
            Some(fv) => {
                let Some(rel) = inp.string(fv, &format!("{at}.file")) else {
                    continue;
                };
                let path = cx.dir.join(&rel);
                match crate::scenario::load_file(&path) {
                    Ok(s) => (Some(rel), s),
                    Err(inner) => {
                        let (key, what) = (format!("{at}.file"), format!("the scenario of policy `{id}`"));
                        if inp.unreadable_named(fv.span(), &key, &what, &rel, &path, &inner) {
                            continue;
                        }
                        inp.error(
                            fv.span(),
                            &format!("{at}.file"),
                            format!(
                                "the scenario of policy `{id}`, `{rel}` (at `{}`), is not valid \
                                 (see below)",
                                path.display()
                            ),
                        );
                        inp.diags.extend(inner.0);
                        continue;
                    }
                }
            }
        };
        let mut settings = Vec::new();
        let mut ok = true;
        if let Some(sv) = lookup(t, "set") {
            match crate::scenario::overrides::read_set_table(
                inp,
                sv,
                &format!("{at}.set"),
                &mut [&mut scenario],
                &[],
            ) {
                Some(s) => settings = s,
                None => ok = false,
            }
            // A `set` that reaches a refused pair of `[model]` switches (the protectors' two
            // moves with their one move at the attack; their private resolve with
            // restraint), in `[model]` or through a dated policy it enables or changes, where
            // the policy's scenario alone does not: at the last key of the table that
            // reaches it, in the words of the scenario file and `--set`.
            if ok
                && let Some((keys, change, (message, help))) =
                    crate::scenario::refused_pair_reached(&scenario)
                && let Some(table) = sv.get_ref().as_table()
            {
                let policy = change.map(|(p, _)| format!("policy.{}.", scenario.policies[p].id));
                let reaching = |k: &str| {
                    k.strip_prefix("model.").is_some_and(|m| keys.contains(&m))
                        || policy.as_deref().is_some_and(|p| k.starts_with(p))
                };
                let at_key = table
                    .iter()
                    .rfind(|(k, _)| reaching(k.get_ref()))
                    .map(|(k, _)| (k.span(), format!("{at}.set.\"{}\"", k.get_ref())));
                let (span, key) = at_key.unwrap_or((sv.span(), format!("{at}.set")));
                inp.error(span, &key, message).help = Some(help);
                ok = false;
            }
        }
        let mut targets = Vec::with_capacity(cx.parameters.len());
        for (j, p) in cx.parameters.iter().enumerate() {
            match ParamRef::resolve(&p.path, &scenario) {
                Ok(r) if r.spec() == p.target.spec() => targets.push(r),
                _ => {
                    inp.error(
                        id_v.span(),
                        &format!("{at}.id"),
                        format!(
                            "parameter[{j}] `{}` is not a parameter of policy `{id}`'s scenario",
                            p.path
                        ),
                    );
                    ok = false;
                }
            }
        }
        // A lever set on a path the futures draw: in every future the draw replaces it.
        // Said at what draws it, in the words of `--set` on a path a prior draws.
        if ok {
            for (path, value) in &settings {
                let Ok(t) = ParamRef::resolve(path, &scenario) else {
                    continue;
                };
                let Some(j) = targets.iter().position(|x| *x == t) else {
                    continue;
                };
                let text = format!("{path} = {value}");
                let by = format!("{at}.set");
                match lookup(root, "parameter").and_then(|v| v.get_ref().as_array()) {
                    Some(items) => {
                        let span = items
                            .get(j)
                            .and_then(|t| t.get_ref().as_table())
                            .and_then(|t| lookup(t, "path"))
                            .map_or(0..0, |v| v.span());
                        let (m, help) = crate::scenario::overrides::replaced_by_draws(
                            path,
                            &text,
                            &by,
                            ("this parameter", "this [[parameter]] table", "the parameter"),
                        );
                        inp.warn(span, &format!("parameter[{j}].path"), m).help = Some(help);
                    }
                    None => {
                        let span = lookup(root, "futures").map_or(0..0, |v| v.span());
                        let (m, help) = crate::scenario::overrides::replaced_by_draws(
                            path,
                            &text,
                            &by,
                            ("this file of draws", "its column", "the draws"),
                        );
                        inp.warn(span, "futures", m).help = Some(help);
                    }
                }
            }
        }
        if ok {
            policies.push(PolicyOption {
                id,
                file,
                settings,
                scenario,
                targets,
            });
        }
    }
    Some(Crossing {
        policies,
        futures: cx.futures,
        thresholds,
    })
}

/// `satisficing = { OUTCOME = VALUE, ... }`: probabilities for headline outcomes.
fn satisficing(inp: &mut Input<'_>, v: &Val<'_>) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let Some(t) = inp.table(v, "satisficing") else {
        return out;
    };
    let names: Vec<String> = crate::rdm::results::OUTCOMES
        .iter()
        .map(|s| s.to_string())
        .collect();
    // Only the outcomes a threshold can name are suggested: a context outcome (`crisis`) is
    // refused below, so suggesting it sent the user to a second refusal.
    let ranked: Vec<String> = names
        .iter()
        .filter(|n| !crate::rdm::is_context(n))
        .cloned()
        .collect();
    for (k, x) in t.iter() {
        let name: &str = k.get_ref();
        let at = format!("satisficing.{name}");
        if !names.iter().any(|n| n == name) {
            inp.error(k.span(), &at, format!("`{name}` is not a headline outcome"))
                .help = Some(
                match crate::scenario::closest(name, &ranked) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("one of: {}", ranked.join(", ")),
                },
            );
            continue;
        }
        if crate::rdm::is_context(name) {
            inp.error(
                k.span(),
                &at,
                format!(
                    "`{name}` is context (how often the challenger could escalate), not an objective: the robustness table does not rank policies on it"
                ),
            )
            .help = Some(format!("one of: {}", ranked.join(", ")));
            continue;
        }
        if let Some(p) = inp.number(x, &at, "a probability in [0, 1]") {
            if (0.0..=1.0).contains(&p) {
                out.push((name.to_string(), p));
            } else {
                inp.error(
                    x.span(),
                    &at,
                    format!("expected a probability in [0, 1], found {p}"),
                );
            }
        }
    }
    out
}

/// Largest file of draws read (`futures = "FILE"`), in bytes.
pub const MAX_DRAWS_BYTES: usize = 256 * 1024 * 1024;

/// Salt of the resampling stream (apart from the design's and the runs').
const RESAMPLE_SALT: u64 = 0x5245_5341_4d50_4c45;

/// Read `futures = "FILE"`: a CSV of draws such as a calibration's posterior (lines starting
/// with `#` skipped; a header, then a row per draw; columns `draw`, `weight` and `distance`
/// are not parameters, every other column is a parameter path). The draws are resampled by
/// weight to `wanted` futures (0: as many as there are draws) with systematic resampling
/// (Kitagawa 1996, J. Comput. Graph. Stat. 5(1)), keyed by `seed`, and returned as one
/// parameter per column holding its values in future order, with the number of futures.
/// The file's fixed parameters (`# set = PATH=VALUE`, a calibration's) that the base scenario
/// (`base_name` as the sweep file names it) does not have at their value are warned about at
/// `futures`, as `deter run --posterior` warns ([`crate::calibrate::nested::fixed_mismatches`]);
/// so is a column a dated policy of the base changes within the horizon run (`horizon_years`,
/// the command line's, or the base's own), in the words of a `[[parameter]]` on its path.
pub(crate) fn read_draws(
    inp: &mut Input<'_>,
    v: &Val<'_>,
    dir: &std::path::Path,
    base: &Scenario,
    base_name: &str,
    (wanted, seed): (u64, u64),
    horizon_years: Option<u32>,
) -> Option<(Vec<super::spec::Parameter>, u64)> {
    use super::spec::{Domain, Kind, Parameter, Role};
    let rel = inp.string(v, "futures")?;
    let path = dir.join(&rel);
    // A fault of the file as a whole: "FILE: PROBLEM", the form `--posterior` prints ("FILE:
    // error: PROBLEM") and of a fault on a line below ("FILE:LINE:COL: ...").
    let fail = |inp: &mut Input<'_>, m: String| {
        inp.error(v.span(), "futures", format!("{rel}: {m}"));
        None
    };
    let bytes = match crate::scenario::read_bounded(&path, MAX_DRAWS_BYTES) {
        Ok(b) if b.len() <= MAX_DRAWS_BYTES => b,
        Ok(_) => {
            let m = format!("the file is larger than {MAX_DRAWS_BYTES} bytes, the limit for files of draws");
            return fail(inp, m);
        }
        // The words of a file named in a file (`--files-from`): "cannot read file `PATH`:
        // REASON", PATH where it was looked for (relative to the sweep file).
        Err(e) => return fail(inp, format!("cannot read file `{}`: {e}", path.display())),
    };
    // An input like the sweep file and its base: no output (results, page) may replace it.
    crate::output::note_input(&path);
    // The byte-order mark and UTF-8: the words of every input kind, at FILE:LINE:COL.
    let text = match crate::scenario::input::utf8_text(&bytes, &rel) {
        Ok(t) => t,
        Err(d) => {
            let line = d.one_line();
            inp.error(v.span(), "futures", line).help = d.help;
            return None;
        }
    };
    // The one reader of a file of draws, `--posterior`'s: its faults in its words, at
    // FILE:LINE:COL with the column's name.
    let post = match crate::calibrate::nested::parse_posterior(std::path::Path::new(&rel), text) {
        Ok(p) => p,
        Err(ds) => {
            // Each fault of the file, at the key that names it.
            for d in ds.0 {
                inp.error(v.span(), "futures", d.one_line()).help = d.help.clone();
            }
            return None;
        }
    };
    // A calibration's case parameters (`CASE/PATH`: one historical case's crisis rate)
    // describe that case, not this scenario: skipped, as `deter run --posterior` skips them.
    let params: Vec<(usize, &str)> = post
        .paths
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.contains('/'))
        .map(|(k, c)| (k, c.as_str()))
        .collect();
    // The reader refuses a file of case columns alone (`NO_PARAMETER_COLUMN`).
    debug_assert!(!params.is_empty());
    // A column that is no parameter of the base: at its header cell, in the words and
    // did-you-mean of `--posterior` and `--set`.
    let faults = crate::calibrate::nested::unknown_column(&post, text, base);
    if !faults.is_empty() {
        for d in faults {
            inp.error(v.span(), "futures", d.one_line()).help = d.help.clone();
        }
        return None;
    }
    let targets: Vec<ParamRef> = params
        .iter()
        .filter_map(|&(_, name)| ParamRef::resolve(name, base).ok())
        .collect();
    let (hl, header) = text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap_or((0, ""));
    // A column a dated policy of the base changes: the warning of a `[[parameter]]` on the
    // same path, at the column's header cell as every fault of a column.
    for (&(k, name), &t) in params.iter().zip(&targets) {
        for (message, help) in crate::scenario::overrides::policy_resets(
            base,
            t,
            name,
            horizon_years,
            super::spec::SWEEP_RESET,
        ) {
            let c = post.column(k);
            let at = crate::scenario::input::csv_fault(&rel, hl + 1, header, c, name, &message);
            inp.warn(v.span(), "futures", at).help = Some(help);
        }
    }
    // A value out of its parameter's range: at its cell, in the words of `--posterior`.
    let faults = crate::calibrate::nested::out_of_range(&post, base);
    if !faults.is_empty() {
        for d in faults {
            inp.error(v.span(), "futures", d.one_line()).help = d.help.clone();
        }
        return None;
    }
    let rows: Vec<Vec<f64>> = post
        .values
        .iter()
        .map(|r| params.iter().map(|&(k, _)| r[k]).collect())
        .collect();
    let weights = &post.weights;
    let total: f64 = weights.iter().sum();
    let (fixed, fixed_at) = (&post.fixed, &post.fixed_at);
    for w in crate::calibrate::nested::fixed_mismatches_under(
        &rel,
        fixed,
        fixed_at,
        base,
        crate::calibrate::nested::Under::SweepBase(base_name),
    ) {
        inp.warn(v.span(), "futures", w);
    }
    let n = if wanted == 0 {
        rows.len() as u64
    } else {
        wanted
    };
    // Systematic resampling: positions (u0 + i) / n on the cumulative weights.
    let u0: f64 = {
        use rand::{RngExt, SeedableRng};
        rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ RESAMPLE_SALT).random()
    };
    let mut chosen = Vec::with_capacity(n as usize);
    let (mut j, mut cum) = (0usize, weights[0] / total);
    for i in 0..n {
        let pos = (u0 + i as f64) / n as f64;
        while pos > cum && j + 1 < rows.len() {
            j += 1;
            cum += weights[j] / total;
        }
        // Rounding in the cumulative sum must not pick a draw of weight 0.
        let mut k = j;
        while weights[k] == 0.0 && k > 0 {
            k -= 1;
        }
        chosen.push(k);
    }
    let parameters = params
        .iter()
        .zip(&targets)
        .enumerate()
        .map(|(col, (&(_, name), &target))| Parameter {
            path: name.to_string(),
            target,
            role: Role::Uncertainty,
            kind: Kind::Real,
            domain: Domain::Values(chosen.iter().map(|&r| rows[r][col]).collect()),
        })
        .collect();
    Some((parameters, n))
}
