// What every screen does: load something, show an error as `CODE: message`, reload after a change.
import { ref } from "vue";

export function describe(error) {
  return error?.code ? `${error.code}: ${error.message}` : String(error?.message || error);
}

export function useResource(load) {
  const data = ref(null);
  const error = ref("");
  const loading = ref(false);
  async function reload() {
    loading.value = true;
    error.value = "";
    try {
      data.value = await load();
    } catch (e) {
      error.value = describe(e);
    } finally {
      loading.value = false;
    }
  }
  reload();
  return { data, error, loading, reload };
}

// Runs a change; returns true when it worked, else puts the error where the screen shows it.
export async function attempt(errorRef, action) {
  errorRef.value = "";
  try {
    await action();
    return true;
  } catch (e) {
    errorRef.value = describe(e);
    return false;
  }
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "—";
}

export function bytes(n) {
  if (n === undefined || n === null) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}
