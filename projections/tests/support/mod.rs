//! Helpers shared by the mail tests.

/// Replaces every occurrence of each ASCII placeholder in raw mail bytes,
/// leaving every other byte (whatever its encoding) as it is.
#[allow(dead_code)] // not every test binary rewrites mail
pub fn replace_all(raw: &[u8], pairs: &[(&str, String)]) -> Vec<u8> {
    let mut bytes = raw.to_vec();
    for (from, to) in pairs {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i..].starts_with(from.as_bytes()) {
                out.extend_from_slice(to.as_bytes());
                i += from.len();
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        bytes = out;
    }
    bytes
}

/// The bytes of every `.eml` file in `dir`, by file name; none when the
/// folder does not exist.
#[allow(dead_code)] // not every test binary reads a folder of mail
pub fn eml_files(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read(p).expect("reads"))
        .collect()
}
