import { useCallback, useState, type ChangeEvent } from 'react';

type StringKeys<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T] & string;

/** Form state: `bind('email')` for text inputs and selects, `set` for the rest, `reset` after success, `replace` to load values. */
export function useFormValues<T extends object>(initial: T) {
  const [values, setValues] = useState(initial);
  const set = useCallback(<K extends keyof T>(key: K, value: T[K]) => setValues((current) => ({ ...current, [key]: value })), []);
  const bind = <K extends StringKeys<T>>(key: K) => ({
    name: key,
    value: values[key] as string,
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => set(key, event.target.value as T[K]),
  });
  const reset = useCallback(() => setValues(initial), [initial]);
  return { values, set, bind, reset, replace: setValues };
}
