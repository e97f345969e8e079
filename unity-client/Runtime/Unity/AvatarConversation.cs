using System;
using System.Threading.Tasks;
using UnityEngine;
using UnityEngine.Events;

namespace AvatarTalk.Realtime.Unity
{
    [Serializable] public class TextEvent : UnityEvent<string> { }

    /// <summary>
    /// Inspector entry point: logs in, opens a conversation with the persona, streams the
    /// microphone, plays the avatar's voice and drives its mouth and expression.
    /// </summary>
    [RequireComponent(typeof(AudioSource))]
    public sealed class AvatarConversation : MonoBehaviour
    {
        [Header("Server")]
        [Tooltip("https://your-server (http:// only for local development).")]
        public string serverUrl = "http://127.0.0.1:8000";
        public string personaSlug = "haru";

        [Header("Login: username + password (token refreshed automatically) or a fixed API token")]
        public string username = "";
        public string password = "";
        public string apiToken = "";

        [Header("Avatar")]
        public SkinnedMeshRenderer avatarRenderer;
        public BlendshapePreset blendshapePreset = BlendshapePreset.Vrm;
        public LipSyncDriver lipSync;
        public ExpressionDriver expression;

        [Header("Behaviour")]
        public bool connectOnStart = true;
        [Tooltip("Off: hands-free (the server hears when you stop). On: hold to talk, call CommitSpeech on release.")]
        public bool pushToTalk = false;

        [Header("Events (main thread)")]
        public TextEvent onTranscript = new TextEvent();
        public TextEvent onReplyText = new TextEvent();
        public TextEvent onError = new TextEvent();

        ConversationSession session;
        MicrophoneCapture microphone;
        StreamingAudioPlayer player;

        public ConversationSession Session { get { return session; } }

        void Awake()
        {
            microphone = GetOrAdd<MicrophoneCapture>();
            player = GetOrAdd<StreamingAudioPlayer>();
            if (lipSync == null) lipSync = GetOrAdd<LipSyncDriver>();
            if (expression == null) expression = GetOrAdd<ExpressionDriver>();
            foreach (BlendshapeDriver driver in new BlendshapeDriver[] { lipSync, expression })
            {
                if (driver.target == null) driver.target = avatarRenderer;
                driver.preset = blendshapePreset;
            }
        }

        void Start()
        {
            if (connectOnStart) Connect();
        }

        /// <summary>Logs in and connects; safe to call from a UI button.</summary>
        public async void Connect()
        {
            if (session != null) return;
            var api = new ApiClient(serverUrl);
            var tokens = string.IsNullOrEmpty(apiToken)
                ? new TokenSource(api, username, password, "Unity " + Application.productName)
                : TokenSource.FromToken(api, apiToken);
            var options = new SessionOptions
            {
                MicSampleRate = MicrophoneCapture.TargetRate,
                OutputSampleRate = AudioSettings.outputSampleRate,
                Mode = pushToTalk ? ClientMessages.PushToTalk : ClientMessages.HandsFree,
                ClientName = "unity/" + Application.unityVersion,
            };
            session = new ConversationSession(api, tokens, personaSlug, options);
            player.Attach(session.Playback);
            microphone.FrameReady += SendFrame;
            try
            {
                await session.StartAsync();
                if (!pushToTalk) microphone.StartCapture();
            }
            catch (Exception e)
            {
                // AuthenticationException / ApiException messages say what to fix (credentials, token, persona).
                onError.Invoke(e.Message);
                Debug.LogError("[AvatarConversation] " + e.Message);
                Disconnect();
            }
        }

        void SendFrame(byte[] frame)
        {
            var s = session;
            if (s != null) Forget(s.SendAudioAsync(frame, 0, frame.Length));
        }

        public void SendText(string text) { if (session != null) Forget(session.SendTextAsync(text)); }

        /// <summary>Push-to-talk: hold (BeginSpeech) and release (CommitSpeech).</summary>
        public void BeginSpeech() { microphone.StartCapture(); }

        public void CommitSpeech()
        {
            microphone.StopCapture();
            if (session != null) Forget(session.CommitAsync());
        }

        /// <summary>A stop button: cut the avatar off.</summary>
        public void Interrupt() { if (session != null) Forget(session.InterruptAsync()); }

        void Update()
        {
            if (session == null) return;
            ServerEvent e;
            while (session.TryTakeEvent(out e)) Handle(e);
            var pose = session.CurrentPose();
            lipSync.Show(pose.Viseme, pose.VisemeWeight);
            expression.Show(pose.Emotion, pose.EmotionIntensity);
        }

        void Handle(ServerEvent e)
        {
            var transcript = e as TranscriptEvent;
            if (transcript != null && transcript.Final) onTranscript.Invoke(transcript.Text);
            var delta = e as ReplyDeltaEvent;
            if (delta != null) onReplyText.Invoke(delta.Text);
            var error = e as ErrorEvent;
            if (error != null) { Debug.LogWarning("[AvatarConversation] server: " + error.Code + " " + error.Message); onError.Invoke(error.Message); }
            var clientError = e as ClientErrorEvent;
            if (clientError != null)
            {
                Debug.LogWarning("[AvatarConversation] " + clientError.Message);
                onError.Invoke(clientError.Message);
                if (clientError.Fatal) Disconnect();
            }
        }

        public void Disconnect()
        {
            microphone.StopCapture();
            microphone.FrameReady -= SendFrame;
            var s = session;
            session = null;
            if (s == null) return;
            player.Attach(null);
            s.Dispose();
        }

        void OnDestroy()
        {
            var s = session;
            if (s != null) s.EndAsync().Wait(500); // say goodbye so the server saves the conversation as ended
            Disconnect();
        }

        T GetOrAdd<T>() where T : Component
        {
            var found = GetComponent<T>();
            return found != null ? found : gameObject.AddComponent<T>();
        }

        static void Forget(Task task)
        {
            task.ContinueWith(t => Debug.LogWarning("[AvatarConversation] send failed: " + t.Exception.GetBaseException().Message),
                TaskContinuationOptions.OnlyOnFaulted);
        }
    }
}
