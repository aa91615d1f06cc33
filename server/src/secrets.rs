//! Secrets at rest (store access tokens): ChaCha20-Poly1305 with a random 96-bit nonce per
//! seal. A sealed secret is text: `v1:` + hex(nonce ‖ ciphertext ‖ tag).
//!
//! The key is `DROPDOCK_SECRET_KEY` (64 hex digits) when set — every process of a deployment
//! that shares one database must use the same key — else `{data_dir}/secret.key`, created with
//! random bytes on first start and readable by its owner only.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};

pub const KEY_ENV: &str = "DROPDOCK_SECRET_KEY";
pub const KEY_FILE: &str = "secret.key";
/// Names the format, so a later one (another cipher, key rotation) can tell them apart.
const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Seals and opens secrets with one key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    pub fn from_key(key: [u8; 32]) -> Self {
        SecretBox { cipher: ChaCha20Poly1305::new(&key.into()) }
    }

    /// A key written as 64 hex digits.
    pub fn from_hex(text: &str) -> anyhow::Result<Self> {
        Ok(Self::from_key(parse_key(text)?))
    }

    /// The key from `DROPDOCK_SECRET_KEY`, else from (or into) `{data_dir}/secret.key`.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Self> {
        match std::env::var(KEY_ENV) {
            Ok(hex_key) if !hex_key.trim().is_empty() => Self::from_hex(&hex_key).with_context(|| format!("{KEY_ENV} is not a usable key")),
            _ => Self::load_or_create_file(&data_dir.join(KEY_FILE)),
        }
    }

    /// The key in `path`; a new random one (saved there, mode 0600) if the file does not exist.
    pub fn load_or_create_file(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                warn_if_readable_by_others(path);
                Self::from_hex(&text).with_context(|| format!("key file {}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::from_key(create_key_file(path)?)),
            Err(e) => Err(e).with_context(|| format!("reading key file {}", path.display())),
        }
    }

    pub fn seal(&self, plaintext: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        // ChaCha20-Poly1305 refuses only messages beyond 256 GiB; a token is never that long.
        let sealed = self.cipher.encrypt(&nonce, plaintext.as_bytes()).expect("ChaCha20-Poly1305 seals any message under 256 GiB");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", hex::encode(out))
    }

    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let text = sealed.trim().strip_prefix(PREFIX).ok_or_else(|| anyhow::anyhow!("not a sealed secret (no {PREFIX} prefix)"))?;
        let bytes = hex::decode(text).map_err(|_| anyhow::anyhow!("sealed secret is not hex"))?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            anyhow::bail!("sealed secret is too short");
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| anyhow::anyhow!("sealed secret cannot be opened: wrong key or altered data"))?;
        String::from_utf8(plain).map_err(|_| anyhow::anyhow!("sealed secret is not text"))
    }
}

fn parse_key(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text.trim()).map_err(|_| anyhow::anyhow!("a key is 64 hex digits"))?;
    bytes.try_into().map_err(|b: Vec<u8>| anyhow::anyhow!("a key is 64 hex digits (32 bytes), got {} bytes", b.len()))
}

/// Writes a new random key to `path`: first to a private temporary file, then hard-linked into
/// place, so the key file is never half-written and two processes starting at once cannot end
/// up with different keys (the second one reads the first one's).
fn create_key_file(path: &Path) -> anyhow::Result<[u8; 32]> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let key: [u8; 32] = ChaCha20Poly1305::generate_key(&mut OsRng).into();
    let tmp = dir.join(format!(".{KEY_FILE}.{}.tmp", uuid::Uuid::new_v4().simple()));
    write_private(&tmp, format!("{}\n", hex::encode(key)).as_bytes()).with_context(|| format!("writing {}", tmp.display()))?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            tracing::info!("created a new secret key in {} (keep it: stored tokens cannot be read without it)", path.display());
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading key file {}", path.display()))?;
            parse_key(&text).with_context(|| format!("key file {}", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("creating key file {}", path.display())),
    }
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!("key file {} is readable by other users; chmod 600 it", path.display());
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dropdock-secrets-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn round_trip_with_a_fresh_nonce_each_time() {
        let sb = SecretBox::from_key([7; 32]);
        let a = sb.seal("shpat_0123456789abcdef");
        let b = sb.seal("shpat_0123456789abcdef");
        assert_ne!(a, b, "random nonce: same plaintext, different sealed text");
        assert!(a.starts_with("v1:") && !a.contains("shpat"), "{a}");
        assert_eq!(sb.open(&a).expect("opens"), "shpat_0123456789abcdef");
        assert_eq!(sb.open(&b).expect("opens"), "shpat_0123456789abcdef");
        assert_eq!(sb.open(&sb.seal("")).expect("opens"), "");
    }

    #[test]
    fn tampered_or_malformed_text_is_refused() {
        let sb = SecretBox::from_key([7; 32]);
        let sealed = sb.seal("secret token");
        // Flip one hex digit in the ciphertext (after the prefix and the 24-digit nonce).
        let mut chars: Vec<char> = sealed.chars().collect();
        let i = 3 + 24 + 2;
        chars[i] = if chars[i] == '0' { '1' } else { '0' };
        let tampered: String = chars.into_iter().collect();
        let err = sb.open(&tampered).expect_err("tampered text refused");
        assert!(err.to_string().contains("wrong key or altered"), "{err}");
        let truncated = &sealed[..sealed.len() - 2];
        assert!(sb.open(truncated).is_err());
        assert!(sb.open("secret token").is_err(), "plaintext is not a sealed secret");
        assert!(sb.open("v1:zz").is_err());
        assert!(sb.open("v1:00").is_err());
    }

    #[test]
    fn another_key_cannot_open() {
        let sealed = SecretBox::from_key([7; 32]).seal("secret token");
        assert!(SecretBox::from_key([8; 32]).open(&sealed).is_err());
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = temp_dir();
        let path = dir.join("nested").join(KEY_FILE);
        let first = SecretBox::load_or_create_file(&path).expect("created");
        let text = std::fs::read_to_string(&path).expect("key file written");
        assert_eq!(text.trim().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let sealed = first.seal("token");
        let second = SecretBox::load_or_create_file(&path).expect("loaded");
        assert_eq!(second.open(&sealed).expect("same key"), "token");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().expect("dir")).expect("list").flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from(KEY_FILE)], "no temporary files left");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn broken_key_file_and_bad_hex_keys_are_errors() {
        let dir = temp_dir();
        let path = dir.join(KEY_FILE);
        std::fs::write(&path, "not a key").expect("write");
        let err = SecretBox::load_or_create_file(&path).expect_err("refused");
        assert!(format!("{err:#}").contains("64 hex digits"), "{err:#}");
        assert!(SecretBox::from_hex(&"ab".repeat(31)).is_err(), "31 bytes");
        assert!(SecretBox::from_hex(&"ab".repeat(32)).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
