use super::recipient::{Recipient, RecipientField};
use serde::{Deserialize, Serialize};
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedRecipient { pub recipient: Recipient, pub unsure: Vec<RecipientField> }
pub fn parse_recipient(_text: &str) -> ParsedRecipient { ParsedRecipient::default() }
