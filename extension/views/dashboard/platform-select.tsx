import { type Platform, platformNames, platforms } from '@twostep/shared';

/** A filter's platform, labelled: Any, or one of the six. */
export function PlatformSelect({
  label,
  value,
  onPlatform,
}: {
  label: string;
  value: Platform | undefined;
  onPlatform: (platform: Platform | undefined) => void;
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onPlatform((e.currentTarget.value || undefined) as Platform)}>
        <option value="">Any</option>
        {platforms.map((platform) => (
          <option key={platform} value={platform}>
            {platformNames[platform]}
          </option>
        ))}
      </select>
    </label>
  );
}
