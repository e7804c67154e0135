// The path part of a document URI, for glob matching (file:, untitled:, vscode-remote: alike).
export const URI = {
  path(uri: string): string {
    const match = /^[a-z][\w+.-]*:(\/\/[^/]*)?(.*)$/i.exec(uri);
    const path = match ? match[2]! : uri;
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  },
};
