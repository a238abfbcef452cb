/// Winnow's release version: `winnow --version` prints it with the git commit the binary was built from.
public let version = "0.9.0"
