//! Turns the bytes of an export file into text, whatever encoding PowerShell chose: UTF-8 with
//! or without BOM, UTF-16LE/BE with BOM (Windows PowerShell 5.1 `Out-File` and `>`), or
//! BOM-less UTF-16LE. Line endings need no treatment: JSON treats CR as whitespace.

/// Decodes a file's bytes to a string, or says why it can't.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, String> {
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => {
            // In place: UTF-8 text keeps the buffer it was read into.
            bytes.drain(..3);
            utf8(bytes)
        }
        [0xFF, 0xFE, ..] => utf16(&bytes[2..], u16::from_le_bytes),
        [0xFE, 0xFF, ..] => utf16(&bytes[2..], u16::from_be_bytes),
        // BOM-less UTF-16LE: ASCII text with every second byte zero.
        [a, 0, ..] if *a != 0 && bytes.len().is_multiple_of(2) => utf16(&bytes, u16::from_le_bytes),
        _ => utf8(bytes),
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 at byte {} (save the file as UTF-8 or UTF-16 with a byte order mark)",
            e.utf8_error().valid_up_to()
        )
    })
}

fn utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err("UTF-16 text with an odd number of bytes (the file is truncated)".into());
    }
    let units = bytes.chunks_exact(2).map(|c| word([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|e| {
            format!(
                "invalid UTF-16 (unpaired surrogate {:#06x})",
                e.unpaired_surrogate()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in text.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    #[test]
    fn decodes_every_powershell_encoding() {
        let text = "[\r\n  {\"Name\": \"Vertrieb – Außendienst\"}\r\n]";
        assert_eq!(decode(text.as_bytes().to_vec()).unwrap(), text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(bom).unwrap(), text);
        assert_eq!(decode(utf16le(text, true)).unwrap(), text);
        assert_eq!(decode(utf16le(text, false)).unwrap(), text);
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(be).unwrap(), text);
    }

    #[test]
    fn reports_bad_bytes() {
        assert!(decode(vec![b'[', 0xC3]).unwrap_err().contains("UTF-8"));
        assert!(decode(vec![0xFF, 0xFE, b'['])
            .unwrap_err()
            .contains("truncated"));
        assert_eq!(decode(Vec::new()).unwrap(), "");
    }
}
