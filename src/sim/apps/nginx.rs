//! nginx (`nginx`, `registry.k8s.io/nginx-slim`): serves the files under its document root,
//! `/usr/share/nginx/html`. A volume mounted there replaces the image's own files, so a fresh
//! claim answers `403 Forbidden` until something writes `index.html` (the StatefulSet tutorial's
//! first curl), and a missing file is `404 Not Found`.

use super::{App, FileRead, Host, HttpReply, HttpRequest};

const DOCUMENT_ROOT: &str = "/usr/share/nginx/html";
/// nginx's fast shutdown on SIGTERM.
const SHUTDOWN_MS: u64 = 100;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nginx {
    /// What error pages print after `nginx/`, from the image tag (`1.27`), when it is a version.
    version: String,
}

impl Nginx {
    /// Images that run nginx.
    pub fn runs(image: &str) -> bool {
        let name = image.rsplit('/').next().unwrap_or("");
        let name = name.split([':', '@']).next().unwrap_or("");
        name == "nginx" || name == "nginx-slim" || name == "nginx-unprivileged"
    }

    pub fn for_image(image: &str) -> Nginx {
        let name = image.rsplit('/').next().unwrap_or("");
        let tag = name.split_once(':').map_or("", |(_, t)| t);
        let is_version = name.starts_with("nginx:")
            && !tag.is_empty()
            && tag
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        Nginx {
            version: if is_version {
                tag.to_string()
            } else {
                String::new()
            },
        }
    }

    fn error_page(&self, status: u16, reason: &str) -> HttpReply {
        let server = if self.version.is_empty() {
            "nginx".to_string()
        } else {
            format!("nginx/{}", self.version)
        };
        HttpReply::Body {
            status,
            body: format!(
                "<html>\n<head><title>{status} {reason}</title></head>\n<body>\n<center><h1>{status} {reason}</h1></center>\n<hr><center>{server}</center>\n</body>\n</html>\n"
            ),
        }
    }
}

/// The image's own index page (the first lines of it).
const WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n</body>\n</html>\n";

impl App for Nginx {
    fn start(&mut self, _host: &mut dyn Host) -> u64 {
        0
    }

    fn sigterm(&mut self, _host: &mut dyn Host) -> Option<u64> {
        Some(SHUTDOWN_MS)
    }

    fn http(&mut self, host: &mut dyn Host, request: &HttpRequest) -> HttpReply {
        let path = request.path.split(['?', '#']).next().unwrap_or("/");
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        if path.split('/').any(|seg| seg == "..") {
            return self.error_page(400, "Bad Request");
        }
        let index = path.ends_with('/');
        let file = if index {
            format!("{DOCUMENT_ROOT}{path}index.html")
        } else {
            format!("{DOCUMENT_ROOT}{path}")
        };
        match host.read_file(&file) {
            FileRead::Contents(text) => HttpReply::Body {
                status: 200,
                body: text,
            },
            // A directory without index.html, and autoindex is off.
            FileRead::Missing if index => self.error_page(403, "Forbidden"),
            FileRead::Missing => self.error_page(404, "Not Found"),
            FileRead::Image if path == "/" || path == "/index.html" => HttpReply::Body {
                status: 200,
                body: WELCOME.into(),
            },
            FileRead::Image => self.error_page(404, "Not Found"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_host::TestHost;
    use super::*;

    fn get(host: &mut TestHost, nginx: &mut Nginx, path: &str) -> (u16, String) {
        match nginx.http(host, &HttpRequest::get(path)) {
            HttpReply::Body { status, body } => (status, body),
            HttpReply::Refused => (0, String::new()),
        }
    }

    #[test]
    fn the_image_serves_its_welcome_page() {
        let mut host = TestHost::default();
        let mut n = Nginx::for_image("nginx:1.27");
        let (status, body) = get(&mut host, &mut n, "/");
        assert_eq!(status, 200);
        assert!(body.contains("<title>Welcome to nginx!</title>"));
        let (status, body) = get(&mut host, &mut n, "/nope.html");
        assert_eq!(status, 404);
        assert!(body.contains("<hr><center>nginx/1.27</center>"), "{body}");
    }

    #[test]
    fn a_mounted_document_root_serves_what_was_written() {
        let mut host = TestHost {
            mounts: vec!["/usr/share/nginx/html".into()],
            ..Default::default()
        };
        let mut n = Nginx::for_image("registry.k8s.io/nginx-slim:0.24");
        let (status, body) = get(&mut host, &mut n, "/");
        assert_eq!(status, 403);
        assert!(body.contains("<h1>403 Forbidden</h1>"));
        assert!(body.contains("<hr><center>nginx</center>"));
        host.append_file("/usr/share/nginx/html/index.html", "web-0".into());
        assert_eq!(get(&mut host, &mut n, "/"), (200, "web-0\n".to_string()));
        assert_eq!(get(&mut host, &mut n, "/index.html").0, 200);
        assert_eq!(get(&mut host, &mut n, "/x").0, 404);
        assert_eq!(get(&mut host, &mut n, "/../etc/passwd").0, 400);
    }
}
