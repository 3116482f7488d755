//! Outputs get the permissions of any file the user makes: tempfile creates its files 0600
//! (private), which a rename would carry over to the county workbook, the history store and
//! the feedback workbooks. No other IO here.

/// Gives a file made by tempfile (0600) the mode a new file gets from the process's umask.
#[cfg(unix)]
pub fn set_ordinary(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o666 & !umask()))
}

/// Windows files have no mode bits: nothing to do.
#[cfg(not(unix))]
pub fn set_ordinary(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// The process's umask. Linux shows it in /proc/self/status (no need to set it to read it);
/// elsewhere the common 022 is assumed.
#[cfg(unix)]
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_temp_file_gets_the_umask_mode() {
        let tmp = tempfile::NamedTempFile::new().expect("temp file");
        assert_eq!(
            tmp.as_file().metadata().expect("meta").permissions().mode() & 0o777,
            0o600
        );
        super::set_ordinary(tmp.as_file()).expect("chmod");
        let mode = tmp.as_file().metadata().expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !super::umask());
    }
}
