//! `deter init`: write the commented template scenario.

use std::path::Path;

use super::{CliError, emit};
use crate::{output, scenario};

pub fn init(path: &Path, force: bool) -> Result<(), CliError> {
    // The `--out -` message of the other commands ("leave the option out to write to
    // standard output") is false here: without a path init writes `scenario.toml`.
    // Each refusal is located at PATH with a help line, as its file-system faults are.
    let fault = |message: String, help: String| -> CliError {
        super::FlagFault {
            help: Some(help),
            ..super::FlagFault::new("PATH", &path.display().to_string(), message)
        }
        .into()
    };
    if path.as_os_str() == "-" {
        return Err(fault(
            "expected the name of the file to write, found `-`: init always writes a file \
             (without a path, `scenario.toml`), never standard output"
                .into(),
            "name the file, or write `./-` for a file of that name".into(),
        ));
    }
    // An extension that names another format is refused, as `--out` refuses one that
    // contradicts the format it writes; any other name is taken.
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let named = match ext.as_deref() {
        Some("json") => Some("a JSON"),
        Some("csv") => Some("a CSV"),
        Some("html" | "htm") => Some("an HTML"),
        _ => None,
    };
    if let Some(named) = named {
        return Err(fault(
            format!(
                "expected the name of a TOML file, found the name of {named} file: init writes a TOML scenario"
            ),
            format!("use `{}`", path.with_extension("toml").display()),
        ));
    }
    // A directory, a device, a FIFO or a socket is refused below whatever --force says:
    // do not suggest it (only a regular file, or a link to one, is overwritten).
    if path.is_file() && !force {
        return Err(fault(
            format!(
                "expected a file that does not exist, found `{}`, which does",
                path.display()
            ),
            "use --force to overwrite it, or name another file".into(),
        ));
    }
    // The file-system faults located at the path, as every output's.
    super::written_file_fault("PATH", path, &[])?;
    super::sweep_results_fault("PATH", path)?;
    output::check_writable(path, &[]).map_err(CliError::Usage)?;
    emit(Some(path), scenario::TEMPLATE.as_bytes())?;
    note!(
        "wrote {}; try: deter run {}",
        path.display(),
        path.display()
    );
    Ok(())
}
