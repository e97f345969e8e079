using AvatarTalk.Realtime.Unity;
using UnityEngine;

namespace AvatarTalk.Samples
{
    /// <summary>
    /// Drop on your avatar's root: adds and wires AvatarConversation to the face mesh, prints
    /// what is said, and maps keys: Space = push-to-talk (when enabled), Escape = interrupt.
    /// </summary>
    public sealed class BasicConversationSetup : MonoBehaviour
    {
        public string serverUrl = "http://127.0.0.1:8000";
        public string username = "alice";
        public string password = "";
        public string personaSlug = "haru";
        [Tooltip("The mesh with the mouth blendshapes (VRM: Face / Body).")]
        public SkinnedMeshRenderer face;
        public AvatarTalk.Realtime.BlendshapePreset preset = AvatarTalk.Realtime.BlendshapePreset.Vrm;
        public bool pushToTalk = false;

        AvatarConversation conversation;

        void Awake()
        {
            gameObject.SetActive(false); // configure before AvatarConversation.Awake runs
            conversation = gameObject.AddComponent<AvatarConversation>();
            conversation.serverUrl = serverUrl;
            conversation.username = username;
            conversation.password = password;
            conversation.personaSlug = personaSlug;
            conversation.avatarRenderer = face;
            conversation.blendshapePreset = preset;
            conversation.pushToTalk = pushToTalk;
            conversation.onTranscript.AddListener(text => Debug.Log("You: " + text));
            conversation.onReplyText.AddListener(text => Debug.Log("Avatar: " + text));
            conversation.onError.AddListener(text => Debug.LogWarning("Avatar Talk: " + text));
            gameObject.SetActive(true);
        }

        void Update()
        {
            if (pushToTalk && Input.GetKeyDown(KeyCode.Space)) conversation.BeginSpeech();
            if (pushToTalk && Input.GetKeyUp(KeyCode.Space)) conversation.CommitSpeech();
            if (Input.GetKeyDown(KeyCode.Escape)) conversation.Interrupt();
        }
    }
}
