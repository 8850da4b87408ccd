import { describe, expect, it, vi } from 'vitest';
import { generatePassword, passwordStrength } from './password-tools.ts';

describe('the password tools', () => {
  it('call a short or repetitive password weak and a long mixed one strong', () => {
    expect(passwordStrength('').level).toBe(0);
    expect(passwordStrength('summer2024').level).toBe(1);
    expect(passwordStrength('aaaaaaaaaaaaaaaaaaaaaaaa').level).toBe(1);
    expect(passwordStrength('Correct-Horse-Battery').level).toBe(3);
  });

  it('generate from crypto.getRandomValues, never the same twice, strong', () => {
    const random = vi.spyOn(crypto, 'getRandomValues');
    const math = vi.spyOn(Math, 'random');
    const one = generatePassword();
    const two = generatePassword();
    expect(one).toHaveLength(20);
    expect(one).not.toBe(two);
    expect(passwordStrength(one).level).toBe(3);
    expect(random).toHaveBeenCalled();
    expect(math).not.toHaveBeenCalled();
    random.mockRestore();
    math.mockRestore();
  });
});
