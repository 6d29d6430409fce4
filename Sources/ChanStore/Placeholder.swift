import ChanCore
