//! An SMTP server that accepts every message.

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::sync::mpsc;

/// One e-mail as the server received it.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The recipient (`RCPT TO`).
    pub to: String,
    /// The message: headers and body, lines joined with `\n`.
    pub data: String,
}

/// The e-mails a [`start`]ed server receives, in order.
#[derive(Debug)]
pub struct Inbox(mpsc::UnboundedReceiver<Mail>);

impl Inbox {
    /// The next e-mail ([`crate::WAIT`] at most).
    pub async fn next(&mut self) -> Mail {
        tokio::time::timeout(crate::WAIT, self.0.recv())
            .await
            .unwrap_or_else(|_| panic!("no e-mail within {:?}", crate::WAIT))
            .expect("the SMTP server runs")
    }

    /// The next e-mail whose message contains `text`, skipping others.
    pub async fn next_containing(&mut self, text: &str) -> Mail {
        loop {
            let mail = self.next().await;
            if mail.data.contains(text) {
                return mail;
            }
        }
    }
}

/// Starts the server (RFC 5321's commands, no extensions) on the current
/// tokio runtime; its `smtp://127.0.0.1:PORT` URL and inbox.
pub async fn start() -> (String, Inbox) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("smtp://{}", listener.local_addr().expect("addr"));
    let (mails, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(converse(stream, mails.clone()));
        }
    });
    (url, Inbox(received))
}

/// One client's conversation: each message it sends goes to `mails`.
async fn converse(stream: tokio::net::TcpStream, mails: mpsc::UnboundedSender<Mail>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 test.example ESMTP\r\n").await;
    let (mut to, mut data, mut in_data) = (String::new(), String::new(), false);
    while let Ok(Some(line)) = lines.next_line().await {
        if in_data {
            if line == "." {
                in_data = false;
                let _ = mails.send(Mail {
                    to: to.clone(),
                    data: std::mem::take(&mut data),
                });
                let _ = write.write_all(b"250 queued\r\n").await;
            } else {
                data.push_str(&line);
                data.push('\n');
            }
            continue;
        }
        let command = line.to_ascii_uppercase();
        let answer: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 test.example\r\n"
        } else if command.starts_with("RCPT TO:") {
            to = line[8..].trim().trim_matches(['<', '>']).to_owned();
            b"250 ok\r\n"
        } else if command.starts_with("DATA") {
            in_data = true;
            b"354 go ahead\r\n"
        } else if command.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            break;
        } else {
            b"250 ok\r\n"
        };
        let _ = write.write_all(answer).await;
    }
}
