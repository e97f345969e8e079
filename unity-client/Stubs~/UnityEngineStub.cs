// Just enough of UnityEngine to type-check Runtime/Unity with mcs; never shipped (folders ending in ~ are ignored by Unity).
using System;
namespace UnityEngine {
public class Object {}
public class Component : Object { public GameObject gameObject; public T GetComponent<T>() { return default(T); } }
public class Behaviour : Component {}
public class MonoBehaviour : Behaviour {}
public class GameObject : Object { public T AddComponent<T>() where T : Component { return null; } public void SetActive(bool v) {} }
public class Mesh : Object { public int GetBlendShapeIndex(string n) { return -1; } }
public class SkinnedMeshRenderer : Component { public Mesh sharedMesh; public void SetBlendShapeWeight(int i, float w) {} }
public class AudioClip : Object { public int samples; public static AudioClip Create(string n, int l, int c, int f, bool s) { return null; } public bool GetData(float[] d, int o) { return true; } }
public class AudioSource : Behaviour { public AudioClip clip; public bool loop; public float spatialBlend; public void Play() {} public void Stop() {} }
public static class AudioSettings { public static int outputSampleRate; }
public static class Microphone { public static AudioClip Start(string d, bool l, int s, int f) { return null; } public static void End(string d) {} public static int GetPosition(string d) { return 0; } public static void GetDeviceCaps(string d, out int a, out int b) { a = b = 0; } }
public static class Mathf { public static int Clamp(int v, int a, int b) { return v; } public static int RoundToInt(float f) { return 0; } }
public static class Time { public static float deltaTime; }
public static class Debug { public static void Log(object o) {} public static void LogWarning(object o) {} public static void LogError(object o) {} }
public static class Application { public static string productName, unityVersion; }
public enum KeyCode { Space, Escape }
public static class Input { public static bool GetKeyDown(KeyCode k) { return false; } public static bool GetKeyUp(KeyCode k) { return false; } }
public class TooltipAttribute : Attribute { public TooltipAttribute(string s) {} }
public class HeaderAttribute : Attribute { public HeaderAttribute(string s) {} }
public class RangeAttribute : Attribute { public RangeAttribute(float a, float b) {} }
public class RequireComponentAttribute : Attribute { public RequireComponentAttribute(Type t) {} }
}
namespace UnityEngine.Events { public class UnityEvent<T> { public void Invoke(T t) {} public void AddListener(Action<T> a) {} } }
