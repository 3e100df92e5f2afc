//! `deter validate`: check scenario files and list every problem.

use std::path::PathBuf;

use super::CliError;
use crate::scenario::{self, Diagnostics};

pub fn validate(files: &[PathBuf]) -> Result<(), CliError> {
    let mut all = Diagnostics::default();
    for f in files {
        match scenario::load_file(f) {
            Ok(s) => println!(
                "{}: ok ({}: {} countries, {} powers, {} alliances, {} rivalries, {} policies)",
                scenario::printable(&f.display().to_string()),
                scenario::printable(&s.meta.name),
                s.countries.len(),
                s.powers.len(),
                s.alliances.len(),
                s.rivalries.len(),
                s.policies.len()
            ),
            Err(d) => all.0.extend(d.0),
        }
    }
    if all.has_errors() {
        Err(CliError::Input(all))
    } else {
        Ok(())
    }
}
