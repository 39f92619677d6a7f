// The words for a snapshot, diff or probe without sites (the target cannot give stacks), shared
// by every report so that it is said the same loud way everywhere.
export function sitesUnavailableText(reason: string): string {
  return `WARNING: sites unavailable, ${reason}. Totals count everything, but no site can be shown, so no growth check can pass.`;
}
