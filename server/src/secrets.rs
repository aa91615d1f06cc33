//! Placeholder until the AEAD version lands from the connector branch (replaced at merge).

#[derive(Clone)]
pub struct SecretBox;

impl SecretBox {
    pub fn seal(&self, plaintext: &str) -> String {
        hex::encode(plaintext)
    }
    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        Ok(String::from_utf8(hex::decode(sealed)?)?)
    }
}
