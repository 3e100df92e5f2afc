//! `deter init`: write the commented template scenario.

use std::path::Path;

use super::{CliError, emit};
use crate::{output, scenario};

pub fn init(path: &Path, force: bool) -> Result<(), CliError> {
    // The `--out -` message of the other commands ("leave the option out to write to
    // standard output") is false here: without a path init writes `scenario.toml`.
    if path.as_os_str() == "-" {
        return Err(CliError::Usage(
            "`deter init -` would write a file named `-`: init always writes a file (without \
             a path, `scenario.toml`), never standard output; name the file, or write `./-` \
             for a file of that name"
                .into(),
        ));
    }
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
