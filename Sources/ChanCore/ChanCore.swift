public enum ChanCore {}
