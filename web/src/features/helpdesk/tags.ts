/** "vip, atacado , vip" → ["vip", "atacado"]: how tag fields are typed. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}
