//! `deter init`: write the commented template scenario.

use std::path::Path;

use super::{CliError, emit};
use crate::{output, scenario};

pub fn init(path: &Path, force: bool) -> Result<(), CliError> {
    // A directory is refused below whatever --force says: do not suggest it.
    if path.exists() && !path.is_dir() && !force {
        return Err(CliError::Usage(format!(
            "`{}` exists; use --force to overwrite it",
            path.display()
        )));
    }
    output::check_writable(path, &[]).map_err(CliError::Usage)?;
    emit(Some(path), scenario::TEMPLATE.as_bytes())?;
    note!(
        "wrote {}; try: deter run {}",
        path.display(),
        path.display()
    );
    Ok(())
}
